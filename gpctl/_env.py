"""Every environment variable gpctl reads, declared once."""

from __future__ import annotations

import os

__all__ = ["EnvVars", "debug_enabled"]


class EnvVars:
    DEBUG = "GPCTL_DEBUG"
    """Set to `1` to show full tracebacks for unexpected errors."""
    NO_COLOR = "NO_COLOR"
    """Disables colours in the CLI's output."""


def debug_enabled() -> bool:
    """Tell whether `GPCTL_DEBUG` asks for tracebacks."""
    return os.environ.get(EnvVars.DEBUG, "").strip().lower() in {"1", "true", "yes", "on"}
