"""`gpctl dev --frontend`: run the project's `npm run dev` next to the backend, its output shown as events."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gpctl.errors import DevError

if TYPE_CHECKING:
    from gpctl.dev._server import DevEvent

__all__ = ["Frontend"]


class Frontend:
    """The `npm run dev` process of a project (webpack in watch mode for create-plugin projects)."""

    def __init__(self, root: Path, emit: Callable[[DevEvent], None]) -> None:
        self.root = root
        self._emit = emit
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start `npm run dev` in the project root.

        Raises:
            DevError: the project has no package.json, or npm is not installed.
        """
        from gpctl.dev._server import DevEvent

        if not (self.root / "package.json").is_file():
            raise DevError(f"`--frontend` needs a package.json; `{self.root}` has none.")
        npm = shutil.which("npm")
        if npm is None:
            raise DevError(
                "`--frontend` needs npm, which is not on PATH.", hint="Install Node.js, or drop --frontend."
            )
        self.process = subprocess.Popen(
            [npm, "run", "dev"],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stream = self.process.stdout

        def pump() -> None:
            if stream is None:  # pragma: no cover - always a pipe
                return
            for raw in iter(stream.readline, b""):
                self._emit(DevEvent("frontend", raw.decode("utf-8", errors="replace").rstrip()))

        threading.Thread(target=pump, name="gpctl-dev-frontend", daemon=True).start()

    def stop(self) -> None:
        """Stop npm and everything it started (its process group)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            if sys.platform == "win32":
                process.terminate()
            else:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
