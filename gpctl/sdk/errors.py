"""Errors of the plugin runtime.

    QueryError(message, status=400)     shown to the user for that query's refId (source `plugin`)
    └── DownstreamError                 a downstream system failed (source `downstream`, status 500 by default)
    ConfigurationError                  a registration mistake, raised at import time
    FrameError                          a frame or field cannot be built or encoded (from `gpctl.sdk.data`)

Any other exception raised by a handler is logged with its traceback (secrets redacted) and Grafana gets the
generic `Internal error in query handler.` so exception text never leaks.
"""

from __future__ import annotations

from gpctl.sdk.data import FrameError

__all__ = ["ConfigurationError", "DownstreamError", "FrameError", "QueryError"]


class QueryError(Exception):
    """An error meant for the user: its message becomes the query's `error`, with HTTP-like `status`."""

    error_source = "plugin"

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        if not 100 <= status <= 599:
            raise ValueError(f"A query error status must be between 100 and 599, not `{status}`.")
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class DownstreamError(QueryError):
    """A downstream system (HTTP API, database, ...) failed; Grafana marks the error source `downstream`."""

    error_source = "downstream"

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message, status)


class ConfigurationError(Exception):
    """A plugin is registered wrongly (duplicate query type, bad handler signature, non-dataclass model)."""
