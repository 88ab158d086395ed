"""`gpctl dev`: placeholder until its issue lands; replaced by the real command."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `dev` command to `app`."""
