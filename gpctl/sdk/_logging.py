"""hclog JSON log lines on stderr, the format go-plugin parses (protocol.md §2.6).

The SDK logs through `logging.getLogger(...)` and never configures logging, except inside `serve()`, which calls
`install()`: stdout belongs to the handshake line, so every log record goes to stderr as one JSON object with
`@level`, `@message`, `@timestamp` (Go layout, 6 fractional digits), `@module` and the record's extra keys.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from typing import IO, Any

__all__ = ["REQUEST_FIELDS", "TRACE", "HclogFormatter", "RequestFieldsFilter", "install"]

TRACE = 5
logging.addLevelName(TRACE, "TRACE")

_QUIET = ("asyncio", "grpc", "grpc._cython.cygrpc", "hpack")  # hpack logs every header at DEBUG
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def _level(levelno: int) -> str:
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    if levelno >= logging.INFO:
        return "info"
    if levelno >= logging.DEBUG:
        return "debug"
    return "trace"


class HclogFormatter(logging.Formatter):
    """Format a record as one hclog JSON line (no trailing newline)."""

    def format(self, record: logging.LogRecord) -> str:
        import json  # on first use: installing the handler before the handshake does not load them
        import traceback
        from datetime import datetime, timezone

        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must not lose the line
            message = str(record.msg)
        entry: dict[str, Any] = {
            "@level": _level(record.levelno),
            "@message": message,
            "@timestamp": datetime.fromtimestamp(record.created, timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ"
            ),
            "@module": record.name,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, default=str, ensure_ascii=False)


# The request's logger parameters and tenant, set by `gpctl.sdk._tracing.bind_request` (kept here so that
# installing the handler before the handshake does not load the tracing module).
REQUEST_FIELDS: ContextVar[Mapping[str, str] | None] = ContextVar("gpctl_request_log_fields", default=None)


class RequestFieldsFilter(logging.Filter):
    """A handler filter that copies the fields bound by `bind_request` onto each record (explicit extras win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (REQUEST_FIELDS.get() or {}).items():
            if key not in record.__dict__:
                setattr(record, key, value)
        return True


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that looks `sys.stderr` up on every write (tests and stdout guards replace it)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self._fixed = stream is not None

    def emit(self, record: logging.LogRecord) -> None:
        if not self._fixed:
            self.stream = sys.stderr
        super().emit(record)


def install(level: int = logging.DEBUG, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record to stderr (or `stream`) as hclog JSON; replaces the root logger's handlers."""
    handler = _Handler(stream)
    handler.setFormatter(HclogFormatter())
    handler.addFilter(RequestFieldsFilter())  # a request's logger params (loggerparamsctxmetadata) and tenant
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
