"""One `gpctl dev` worker process, seen from the supervisor (the protocol is in `_worker.py`)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Activation", "WorkerProcess"]


@dataclass(frozen=True)
class Activation:
    """How a worker's start went: `ok`, or the failing `stage` (`load`, `serve`, `exit`) and a message."""

    ok: bool
    stage: str = ""
    message: str = ""
    address: str = ""
    modules: list[str] = field(default_factory=list)


class WorkerProcess:
    """A warm worker: started ahead of time, told what to serve by `activate()`, stopped by `stop()`."""

    def __init__(
        self,
        *,
        cwd: Path,
        preload: list[str],
        on_log: Callable[[str], None] | None = None,
        on_exit: Callable[[WorkerProcess, int], None] | None = None,
    ) -> None:
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._on_log = on_log
        self._on_exit = on_exit
        self.warm = threading.Event()
        """Set once the worker has imported everything it preloads."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gpctl.dev._worker", *preload],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops the workers in order
        )
        threading.Thread(target=self._read_events, name="gpctl-dev-events", daemon=True).start()
        threading.Thread(target=self._read_logs, name="gpctl-dev-logs", daemon=True).start()

    def _read_events(self) -> None:
        stream = self.process.stdout
        if stream is None:  # pragma: no cover - always a pipe
            return
        for raw in iter(stream.readline, b""):
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict) and event.get("event") == "warm":
                self.warm.set()
            elif isinstance(event, dict):
                self._events.put(event)
        self._events.put(None)
        code = self.process.wait()
        if self._on_exit is not None:
            self._on_exit(self, code)

    def _read_logs(self) -> None:
        stream = self.process.stderr
        if stream is None:  # pragma: no cover - always a pipe
            return
        for raw in iter(stream.readline, b""):
            if self._on_log is not None:
                self._on_log(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    def activate(self, command: Mapping[str, str], timeout: float) -> Activation:
        """Tell the worker what to serve and wait until it listens, or fails."""
        stdin = self.process.stdin
        try:
            if stdin is None:  # pragma: no cover - always a pipe
                raise BrokenPipeError
            stdin.write((json.dumps(dict(command)) + "\n").encode())
            stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker died during warm-up; the event reader reports it below
        while True:
            try:
                event = self._events.get(timeout=timeout)
            except queue.Empty:
                self.kill()
                return Activation(False, "load", f"The plugin did not start serving within {timeout:g} s.")
            if event is None:
                code = self.process.wait()
                return Activation(False, "exit", f"The plugin worker exited with code {code} before serving.")
            kind = event.get("event")
            if kind == "ready":
                modules = [str(m) for m in event.get("modules", [])]
                return Activation(True, address=str(event.get("address", "")), modules=modules)
            elif kind == "error":
                self.process.wait()
                return Activation(False, str(event.get("stage", "load")), str(event.get("message", "")))

    def stop(self, timeout: float = 1.0) -> None:
        """Stop gracefully (SIGTERM), then SIGKILL after `timeout` seconds."""
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
            except OSError:
                pass
        self._close_stdin()

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.kill()
            except OSError:
                pass
        self.process.wait()
        self._close_stdin()

    def _close_stdin(self) -> None:
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
