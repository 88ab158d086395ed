"""The error raised for frames that Grafana could not read."""

from __future__ import annotations

__all__ = ["FrameError"]


class FrameError(ValueError):
    """A frame or field cannot be built, encoded or decoded; the message names the field and the reason."""
