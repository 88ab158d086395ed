"""The `gpctl dev` worker process: warm up, wait for the go signal, import the plugin, serve it.

Run as `python -m gpctl.dev._worker [MODULE ...]`. The supervisor starts a spare worker ahead of time; it imports
`gpctl.sdk`, gRPC, the frame encoder and the third-party MODULEs the previous plugin version used, then waits. On a
reload the supervisor writes one JSON line to its stdin, `{"ref": "weather.plugin:ds", "source": "...", "address":
"127.0.0.1:PORT"}`; the worker imports the plugin and serves it with `gpctl.sdk.serve_standalone` on that address.

It reports on its original stdout with JSON lines: `{"event": "warm"}` (warm-up finished), `{"event": "loaded"}`, `{"event": "ready", "address": ...,
"modules": [...]}` or `{"event": "error", "stage": "load" | "serve", "message": ...}`. Everything the plugin prints
goes to stderr, which the supervisor shows. The worker stops on SIGTERM, or when its stdin closes (supervisor gone).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["describe_error", "main"]


def describe_error(exc: BaseException, ref: str, root: Path) -> str:
    """Describe an error raised while importing the plugin in one short sentence naming the user's file and line."""
    from gpctl.errors import GpctlError

    if isinstance(exc, GpctlError):
        return exc.message
    where: tuple[str, int | None] | None = None
    if isinstance(exc, SyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
        detail = f"{type(exc).__name__}: {exc.msg}"
    else:
        for frame in traceback.extract_tb(exc.__traceback__):
            if _inside(frame.filename, root):
                where = (frame.filename, frame.lineno)
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    location = ""
    if where is not None:
        name = Path(where[0])
        shown = name.relative_to(root) if _inside(str(name), root) else name
        location = f" (`{shown.as_posix()}`, line {where[1]})"
    return f"Cannot load `{ref}`: {detail.rstrip('.')}{location}."


def _inside(filename: str, root: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


def _command_waiting() -> bool:
    if sys.platform == "win32":
        return False
    import select

    return bool(select.select([sys.stdin], [], [], 0)[0])


_DATA_STACK = ("numpy", "pyarrow", "pandas", "polars")


def _warm_up(modules: list[str]) -> bool:
    """Import what the next plugin version will need, serving stack first, data stack last; stop early when the
    go signal is already waiting (the rest is then imported on demand). Returns whether it finished."""
    import gpctl.sdk  # noqa: F401 - the runtime

    serving = [m for m in modules if m.partition(".")[0] not in _DATA_STACK]
    data = [m for m in modules if m.partition(".")[0] in _DATA_STACK]
    for name in serving + data:
        if _command_waiting():
            return False
        with contextlib.suppress(BaseException):
            importlib.import_module(name)
    if _command_waiting():
        return False
    with contextlib.suppress(Exception):
        from gpctl.sdk.data import Field, Frame

        Frame("warm-up", Field("x", [1.0])).to_arrow()
    return True


def _preload_list(root: Path) -> list[str]:
    """Modules the next worker should import while idle: everything loaded now, except the project's own."""
    names = []
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if name == "__main__" or name.startswith("gpctl.dev") or (filename and _inside(filename, root)):
            continue
        if filename or "." not in name:
            names.append(name)
    return names


@contextlib.contextmanager
def _fresh_bytecode() -> Iterator[None]:
    """Compile the project's modules from source: a `.pyc` written in the same second for a same-size file would
    look up to date. Only while the plugin is imported; everything else keeps its bytecode cache."""
    prefix, dont_write = sys.pycache_prefix, sys.dont_write_bytecode
    sys.pycache_prefix = str(Path(tempfile.gettempdir()) / f"gpctl-dev-no-pycache-{os.getpid()}")
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.pycache_prefix, sys.dont_write_bytecode = prefix, dont_write


_RECORD_KEYS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class _TerminalFormatter(logging.Formatter):
    """`INFO  message  key=value`: the plugin's log records as `gpctl dev` shows them (extra keys included)."""

    def format(self, record: logging.LogRecord) -> str:
        level = {"WARNING": "WARN", "CRITICAL": "ERROR"}.get(record.levelname, record.levelname)
        extras = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _RECORD_KEYS)
        text = f"{level:<5} {record.getMessage()}" + (f"  {extras}" if extras else "")
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for quiet in ("asyncio", "grpc", "hpack"):
        logging.getLogger(quiet).setLevel(logging.WARNING)


def _watch_stdin() -> None:
    sys.stdin.read()
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str]) -> int:
    """Run the worker; returns the exit code."""
    report: IO[str] = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # plugin output goes to stderr; stdout carries only this protocol

    def send(event: dict[str, Any]) -> None:
        report.write(json.dumps(event) + "\n")
        report.flush()

    if _warm_up(argv):
        send({"event": "warm"})
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    command = json.loads(line)
    threading.Thread(target=_watch_stdin, name="gpctl-dev-stdin", daemon=True).start()
    _configure_logging()
    ref, source, address = command["ref"], Path(command["source"]), command["address"]
    root = Path(command.get("root", source)).resolve()
    try:
        from gpctl.project import load_entry

        with _fresh_bytecode():
            plugin = load_entry(ref, source)
    except BaseException as exc:  # any user error, SystemExit included, must reach the supervisor
        send({"event": "error", "stage": "load", "message": describe_error(exc, ref, root)})
        return 1
    send({"event": "loaded"})
    from gpctl.sdk import serve_standalone

    try:
        serve_standalone(
            plugin,
            address,
            ready=lambda bound: send({"event": "ready", "address": bound, "modules": _preload_list(root)}),
        )
    except BaseException as exc:
        message = (str(exc).strip() or type(exc).__name__).rstrip(".")
        send(
            {
                "event": "error",
                "stage": "serve",
                "message": f"Cannot serve `{ref}` on `{address}`: {message}.",
            }
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
