"""The files `gpctl dev` writes into dist/ for Grafana, and how it finds a running dev server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gpctl.dev import DevFiles, address_env_var, choose_address, executable_name, read_address
from gpctl.errors import DevError
from gpctl.project import Project

FIXTURE = Path(__file__).parent / "fixtures" / "devloop"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(FIXTURE, tmp_path / "devloop")
    return Project.find(tmp_path / "devloop")


def test_env_var_and_executable_names() -> None:
    assert address_env_var("acme-devloop-datasource") == "GF_PLUGIN_GRPC_ADDRESS_ACME_DEVLOOP_DATASOURCE"
    name = executable_name("gpx_devloop")
    assert name.startswith("gpx_devloop_")
    assert name.count("_") == 3


def test_choose_address(monkeypatch: pytest.MonkeyPatch) -> None:
    host, port = choose_address("acme-x-datasource").split(":")
    assert host == "127.0.0.1" and int(port) > 0
    monkeypatch.setenv("GF_PLUGIN_GRPC_ADDRESS_ACME_X_DATASOURCE", f"127.0.0.1:{port}")
    assert choose_address("acme-x-datasource") == f"127.0.0.1:{port}"
    assert choose_address("acme-x-datasource", f":{port}") == f"127.0.0.1:{port}"
    with pytest.raises(DevError) as info:
        choose_address("acme-x-datasource", "localhost")
    assert info.value.message == "Dev server address `localhost` is not `HOST:PORT`."


def test_busy_address_is_refused() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(DevError) as info:
            choose_address("acme-x-datasource", f"127.0.0.1:{port}")
    assert info.value.message == f"Cannot listen on `127.0.0.1:{port}`: Address already in use."


def test_write_and_remove(project: Project) -> None:
    files = DevFiles(project, "127.0.0.1:45678")
    files.write()
    dist = project.dist_dir
    launcher = dist / executable_name("gpx_devloop")
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        ["plugin.json", "standalone.txt", "pid.txt", launcher.name]
    )
    assert (dist / "standalone.txt").read_text() == "127.0.0.1:45678"
    assert (dist / "pid.txt").read_text() == str(os.getpid())
    assert (dist / "standalone.txt").stat().st_mode & 0o777 == 0o600
    assert os.access(launcher, os.X_OK)
    script = launcher.read_text()
    assert script.startswith("#!/bin/sh\n# gpctl dev launcher")
    assert f'-m gpctl.dev._launcher "$0" {project.root}' in script
    assert read_address(dist) == "127.0.0.1:45678"
    files.remove()
    assert list(dist.iterdir()) == []


def test_built_executable_and_plugin_json_are_kept(project: Project) -> None:
    dist = project.dist_dir
    dist.mkdir()
    (dist / "plugin.json").write_text('{"id": "built"}')
    built = dist / executable_name("gpx_devloop")
    built.write_bytes(b"\x7fELF built")
    files = DevFiles(project, "127.0.0.1:45678")
    files.write()
    assert built.read_bytes() == b"\x7fELF built"
    files.remove()
    assert sorted(p.name for p in dist.iterdir()) == sorted(["plugin.json", built.name])
    assert (dist / "plugin.json").read_text() == '{"id": "built"}'


def test_read_address_errors(project: Project) -> None:
    dist = project.dist_dir
    with pytest.raises(DevError) as info:
        read_address(dist)
    assert info.value.message == f"No dev server is running: `{dist / 'standalone.txt'}` does not exist."
    assert info.value.hint == "Start one with `gpctl dev`."
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dist.mkdir()
    (dist / "standalone.txt").write_text("127.0.0.1:1")
    (dist / "pid.txt").write_text(dead.stdout.strip())
    with pytest.raises(DevError) as info:
        read_address(dist)
    assert (
        info.value.message == f"The dev server named in `{dist / 'standalone.txt'}` is not running any more."
    )


def test_kill_running_matches_the_executable_path_only(tmp_path: Path) -> None:
    from gpctl.dev._files import kill_running

    target = tmp_path / "gpx_devloop_linux_amd64"
    other = tmp_path / "gpx_other_linux_amd64"
    sleeper = "import time; time.sleep(30)"
    mine = subprocess.Popen([sys.executable, "-c", sleeper, str(target)])
    theirs = subprocess.Popen([sys.executable, "-c", sleeper, str(other)])
    try:
        assert kill_running(target) == [mine.pid]
        assert mine.wait(10) == -9
        assert theirs.poll() is None
    finally:
        for process in (mine, theirs):
            process.kill()
            process.wait()
