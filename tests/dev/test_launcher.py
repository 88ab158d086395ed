"""The dev launcher in dist/: locator mode while `gpctl dev` runs, the real plugin when pid.txt is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gpctl.dev import DevFiles, executable_name
from gpctl.launch import launch_plugin
from gpctl.project import Project

from .conftest import RunningDev


def _dead_pid() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return done.stdout.strip()


def test_locator_points_at_the_dev_server(dev_server: RunningDev) -> None:
    launcher = dev_server.root / "dist" / executable_name("gpx_devloop")
    with launch_plugin(launcher) as plugin:
        assert plugin.address == dev_server.address
        result = plugin.client().query("", {"points": 1})
        assert result["A"].frames[0].field("version").values == [1]
        assert plugin.process.poll() is None  # the locator stays up, serving nothing
        plugin.stop(timeout=0.2)


def test_stale_pid_falls_back_to_normal_serving(project_copy: Path) -> None:
    files = DevFiles(Project.find(project_copy), "127.0.0.1:1")
    files.write()
    (project_copy / "dist" / "pid.txt").write_text(_dead_pid())
    try:
        with launch_plugin(files.launcher) as plugin:
            assert plugin.address != "127.0.0.1:1"
            health = plugin.client().check_health()
            assert health.message == "devloop version 1"
            assert plugin.stop() < 2000  # Shutdown RPC, the process exits by itself
            assert plugin.process.returncode == 0
    finally:
        files.remove()
