"""`gpctl dev` as a command: serve, reload on a save, report a broken save, stop on Ctrl-C and clean up."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpctl.dev import executable_name


class DevProcess:
    def __init__(self, root: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gpctl", "dev", str(root), "--no-kill-stale", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        for stream, prefix in ((self.process.stdout, ""), (self.process.stderr, "stderr: ")):
            threading.Thread(target=self._pump, args=(stream, prefix), daemon=True).start()

    def _pump(self, stream: object, prefix: str) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(prefix + line.rstrip("\n"))

    def expect(self, start: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"no line starting with {start!r} in {self.seen}")


@pytest.fixture
def dev_process(project_copy: Path) -> Iterator[DevProcess]:
    dev = DevProcess(project_copy)
    try:
        yield dev
    finally:
        if dev.process.poll() is None:
            dev.process.kill()
            dev.process.wait()


def test_serve_reload_error_and_ctrl_c(run_cli, dev_process: DevProcess, project_copy: Path) -> None:  # type: ignore[no-untyped-def]
    banner = dev_process.expect("gpctl dev: ")
    dev_process.expect("Serving `devloop.plugin:ds` in ")
    address = (project_copy / "dist" / "standalone.txt").read_text()
    assert banner == (
        f"gpctl dev: `acme-devloop-datasource` on {address}; Grafana loading `{project_copy / 'dist'}` connects here."
    )
    dist = project_copy / "dist"
    launcher = executable_name("gpx_devloop")
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [launcher, "pid.txt", "plugin.json", "standalone.txt"]
    )
    assert (dist / "pid.txt").read_text() == str(dev_process.process.pid)

    handler = project_copy / "pkg" / "devloop" / "plugin.py"
    handler.write_text(handler.read_text().replace("VERSION = 1", "VERSION = 7"))
    assert dev_process.expect("Changed: ") == "Changed: pkg/devloop/plugin.py"
    dev_process.expect("Reloaded `devloop.plugin:ds` in ")
    result = run_cli("query", "--project", str(project_copy), "--health")
    assert result.stdout == "Health: OK: devloop version 7\n"

    handler.write_text(handler.read_text().replace("VERSION = 7", "VERSION = 7 +"))
    assert dev_process.expect("stderr: error: ") == (
        "stderr: error: Cannot load `devloop.plugin:ds`: SyntaxError: invalid syntax (`pkg/devloop/plugin.py`, line 12)."
    )
    result = run_cli("query", "--project", str(project_copy), "--health")
    assert result.stdout == "Health: OK: devloop version 7\n"  # still served by the last good code

    dev_process.process.send_signal(signal.SIGINT)
    assert dev_process.expect("gpctl dev stopped") == "gpctl dev stopped; dev files removed."
    assert dev_process.process.wait(30) == 0
    assert list(dist.iterdir()) == []


def test_sigterm_cleans_up(dev_process: DevProcess, project_copy: Path) -> None:
    dev_process.expect("Serving ")
    dev_process.process.send_signal(signal.SIGTERM)
    assert dev_process.process.wait(30) == 0
    assert list((project_copy / "dist").iterdir()) == []
