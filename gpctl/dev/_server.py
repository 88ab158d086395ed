"""`gpctl dev`'s supervisor: serve the plugin on a fixed address and swap in new code on every save.

The plugin runs in a worker process (`gpctl.sdk.serve_standalone` on a port of its own) behind a relay that owns
the fixed address (`_proxy.py`). A spare worker is always warming up (Python, gRPC, the frame encoder and the
plugin's third-party imports already loaded). On a change the spare imports the new code and starts listening; only
then does the relay send new connections to it and is the old worker stopped (gracefully: its clients reconnect, to
the new worker). A broken save never takes the server down: the old code keeps answering, the error is reported,
and the next good save recovers.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from gpctl.dev._files import DevFiles, choose_address, kill_running
from gpctl.dev._frontend import Frontend
from gpctl.dev._proxy import Relay
from gpctl.dev._watch import WatchSpec, watch_changes
from gpctl.dev._workers import Activation, WorkerProcess
from gpctl.errors import DevError, GpctlError
from gpctl.project import Project

__all__ = ["RETIRE_TIMEOUT", "DevEvent", "DevServer", "DevStatus"]

RETIRE_TIMEOUT = 2.0
"""Seconds a call (or a stream) may keep running on the old code after a reload before its connection is closed."""


@dataclass(frozen=True)
class DevStatus:
    """What the status line shows."""

    address: str
    plugin_id: str
    state: str = "starting"
    """`starting`, `serving`, `error` (the last load failed; older code may still serve), or `stopped`."""
    reloads: int = 0
    last_reload_at: datetime | None = None
    last_reload_ms: float | None = None
    last_error: str | None = None
    serving: bool = False


@dataclass(frozen=True)
class DevEvent:
    """Something to show: `kind` is `log`, `frontend`, `change`, `ready`, `reloaded`, `error` or `info`."""

    kind: str
    message: str


class DevServer:
    """Runs a project's plugin for development; `run()` blocks until `stop()` (or Ctrl-C in the caller)."""

    def __init__(
        self,
        project: Project,
        *,
        address: str | None = None,
        reload_dirs: Sequence[Path] = (),
        reload_includes: Sequence[str] = (),
        reload_excludes: Sequence[str] = (),
        frontend: bool = False,
        kill_stale: bool = True,
        on_event: Callable[[DevEvent], None] | None = None,
        on_status: Callable[[DevStatus], None] | None = None,
        activate_timeout: float = 60.0,
    ) -> None:
        self.project = project
        self.status = DevStatus(choose_address(project.plugin_id, address), project.plugin_id)
        self.files = DevFiles(project, self.status.address)
        self.files.launcher  # noqa: B018 - raises DevError now when plugin.json declares no executable
        self.watch = WatchSpec.for_project(
            project.root,
            [project.source_dir, project.plugin_json_path.parent],
            reload_dirs=reload_dirs,
            reload_includes=reload_includes,
            reload_excludes=reload_excludes,
        )
        if not self.watch.dirs:
            raise DevError(f"Nothing to watch: `{project.source_dir}` does not exist.")
        self._frontend = Frontend(project.root, self._emit) if frontend else None
        self._kill_stale = kill_stale
        self._on_event = on_event
        self._on_status = on_status
        self._timeout = activate_timeout
        self._active: WorkerProcess | None = None
        self._spare: WorkerProcess | None = None
        self._preload: list[str] = []
        self._relay = Relay(self.status.address)
        self._active_address = ""
        self._retiring: set[WorkerProcess] = set()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._changes: queue.Queue[list[Path] | None] = queue.Queue()
        self._closed = False
        self._ever_served = False

    # -- events -------------------------------------------------------------------------------------------------

    def _emit(self, event: DevEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)

    def _set(self, **changes: object) -> None:
        self.status = replace(self.status, **changes)  # type: ignore[arg-type]
        if self._on_status is not None:
            self._on_status(self.status)

    # -- workers --------------------------------------------------------------------------------------------------

    def wait_spare_warm(self, timeout: float) -> bool:
        """Wait until the spare worker has finished warming up (the state reloads are fastest in)."""
        spare = self._spare
        return spare is not None and spare.warm.wait(timeout)

    def _spawn(self) -> WorkerProcess:
        return WorkerProcess(
            cwd=self.project.root,
            preload=self._preload,
            on_log=lambda line: self._emit(DevEvent("log", line)),
            on_exit=self._worker_exited,
        )

    def _worker_exited(self, worker: WorkerProcess, code: int) -> None:
        with self._lock:
            if worker is not self._active or self._closed:
                return
            self._active = None
            self._relay.set_target(None)
            message = f"The plugin worker exited with code {code}; save a file to start it again."
            self._set(state="error", serving=False, last_error=message)
        self._emit(DevEvent("error", message))

    def _command(self) -> dict[str, str]:
        return {
            "ref": self.project.plugin_ref,
            "source": str(self.project.source_dir),
            "root": str(self.project.root),
            "address": "127.0.0.1:0",
        }

    def _take_spare(self) -> WorkerProcess:
        spare, self._spare = self._spare, None
        return spare if spare is not None and spare.process.poll() is None else self._spawn()

    def reload(self, changed: Sequence[Path] = ()) -> bool:
        """Start the current code on the dev address; return whether it serves now (errors become events)."""
        with self._lock:
            started = time.perf_counter()
            if (
                any(p.name in {"pyproject.toml", "plugin.json"} for p in changed)
                and not self._reload_project()
            ):
                return False
            worker = self._take_spare()
            result = worker.activate(self._command(), self._timeout)
            self._finish(worker, result, started)
            self._spare = self._spawn()
            return result.ok

    def _retired(self, worker: WorkerProcess) -> None:
        worker.stop()
        with self._lock:
            self._retiring.discard(worker)

    def _finish(self, worker: WorkerProcess, result: Activation, started: float) -> None:
        if not result.ok:
            self._set(state="error", last_error=result.message)
            self._emit(DevEvent("error", result.message))
            return
        old, self._active = self._active, worker
        old_address, self._active_address = self._active_address, result.address
        self._relay.set_target(result.address)
        if old is not None:
            # Its connections close as soon as they are idle (clients reconnect, to the new worker); then it stops.
            self._retiring.add(old)
            self._relay.retire(old_address, RETIRE_TIMEOUT, lambda: self._retired(old))
        self._preload = result.modules
        elapsed = (time.perf_counter() - started) * 1000.0
        first, self._ever_served = not self._ever_served, True
        self._set(
            state="serving",
            serving=True,
            reloads=self.status.reloads + (0 if first else 1),
            last_reload_at=datetime.now(),
            last_reload_ms=elapsed,
            last_error=None,
        )
        verb = "Serving" if first else "Reloaded"
        self._emit(
            DevEvent(
                "ready" if first else "reloaded", f"{verb} `{self.project.plugin_ref}` in {elapsed:.0f} ms."
            )
        )

    def _reload_project(self) -> bool:
        try:
            project = Project.find(self.project.root)
        except GpctlError as exc:
            self._set(state="error", last_error=exc.message)
            self._emit(DevEvent("error", exc.message))
            return False
        self.project = project
        self.files.project = project
        self.files.refresh_plugin_json()
        return True

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Bind the address, write the dist files, start the frontend if asked, and serve the current code."""
        self._relay.start()
        self.files.write()
        if self._kill_stale:
            kill_running(self.files.launcher)
        if self._frontend is not None:
            self._frontend.start()
        self._spare = self._spawn()
        self.reload()

    def run(self) -> None:
        """Serve and reload on changes until `stop()` is called; always cleans up.

        Watching starts before the first load; changes made during a reload are gathered into one more reload.
        """
        changes = self._changes

        def watch() -> None:
            try:
                for batch in watch_changes(self.watch, self._stop):
                    changes.put(batch)
            finally:
                changes.put(None)

        watcher = threading.Thread(target=watch, name="gpctl-dev-watch", daemon=True)
        try:
            watcher.start()
            self.start()
            while not self._stop.is_set():
                batch = changes.get()
                if batch is None:
                    break
                pending = set(batch)
                while not changes.empty():
                    more = changes.get()
                    if more is None:
                        self._stop.set()
                        break
                    pending.update(more)
                if self._stop.is_set():
                    break
                changed = sorted(pending)
                shown = ", ".join(self.project.display_path(p) for p in changed[:3])
                self._emit(DevEvent("change", f"Changed: {shown}{' ...' if len(changed) > 3 else ''}"))
                self.reload(changed)
        finally:
            self.close()
            watcher.join(timeout=5)

    def stop(self) -> None:
        """Make `run()` return (thread-safe, and safe to call from a signal handler)."""
        self._stop.set()
        self._changes.put(None)

    def close(self) -> None:
        """Stop every process and remove the dist files (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stop.set()
            for worker in (self._spare, self._active, *list(self._retiring)):
                if worker is not None:
                    worker.stop()
            self._retiring.clear()
            self._spare = self._active = None
            self._relay.close()
            launcher = self.files.launcher if self.project.executable else None
            self.files.remove()
            if launcher is not None and self._kill_stale:
                kill_running(launcher)  # Grafana restarts the plugin, now in normal mode
            if self._frontend is not None:
                self._frontend.stop()
            self._set(state="stopped", serving=False)
