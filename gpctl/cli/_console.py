"""The CLI's terminal: one stdout console and one stderr console (no markup, no emoji, honours NO_COLOR)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["err_console", "out_console"]


@cache
def out_console() -> Console:
    from rich.console import Console

    return Console(markup=False, emoji=False, highlight=False, soft_wrap=True)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
