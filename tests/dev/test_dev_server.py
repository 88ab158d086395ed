"""`DevServer`: serve the fixture project, edit it, break it, fix it; the next query always sees the right code."""

from __future__ import annotations

import time

from gpctl.dev import executable_name
from gpctl.sdk.testing import PluginClient

from .conftest import RunningDev


def _version(client: PluginClient, timeout: float = 30.0, want: int | None = None) -> int:
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        try:
            seen = int(client.query("", {"points": 1})["A"].frames[0].field("version").values[0])
        except Exception:  # the connection is being moved to the new worker
            seen = -1
        if want is None or seen == want:
            return seen
        time.sleep(0.01)
    raise AssertionError(f"wanted version {want}, last saw {seen}")


def test_edit_break_fix(dev_server: RunningDev) -> None:
    dist = dev_server.root / "dist"
    assert dev_server.events[0].kind == "ready"
    assert dev_server.events[0].message.startswith("Serving `devloop.plugin:ds` in ")
    assert (dist / "standalone.txt").read_text() == dev_server.address
    assert (dist / executable_name("gpx_devloop")).is_file()
    with PluginClient.connect(dev_server.address) as client:
        assert _version(client) == 1
        mark = dev_server.edit("VERSION = 1", "VERSION = 2")
        dev_server.wait_for(lambda e: e.kind == "reloaded", mark)
        assert _version(client, want=2) == 2
        assert dev_server.server.status.reloads == 1

        mark = dev_server.edit("VERSION = 2", "VERSION = (")
        error = dev_server.wait_for(lambda e: e.kind == "error", mark)
        assert error.message == (
            "Cannot load `devloop.plugin:ds`: SyntaxError: '(' was never closed (`pkg/devloop/plugin.py`, line 12)."
        )
        assert dev_server.server.status.last_error == error.message
        assert _version(client) == 2  # the old code keeps serving

        mark = dev_server.edit("VERSION = (", "VERSION = undefined_name")
        error = dev_server.wait_for(lambda e: e.kind == "error", mark)
        assert error.message == (
            "Cannot load `devloop.plugin:ds`: NameError: name 'undefined_name' is not defined "
            "(`pkg/devloop/plugin.py`, line 12)."
        )
        mark = dev_server.edit("VERSION = undefined_name", "VERSION = 3")
        dev_server.wait_for(lambda e: e.kind == "reloaded", mark)
        assert _version(client, want=3) == 3
        assert dev_server.server.status.last_error is None
        assert dev_server.server.status.reloads == 2
    dev_server.server.stop()
    deadline = time.monotonic() + 30
    while dev_server.server.status.state != "stopped" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(p.name for p in dist.iterdir()) == []


def test_ignored_files_do_not_reload(dev_server: RunningDev) -> None:
    (dev_server.root / "pkg" / "devloop" / "notes.txt").write_text("x", encoding="utf-8")
    (dev_server.root / "dist" / "extra.py").write_text("x = 1", encoding="utf-8")
    mark = len(dev_server.events)
    (dev_server.root / "pkg" / "devloop" / "helper.py").write_text("X = 1\n", encoding="utf-8")
    event = dev_server.wait_for(lambda e: e.kind == "change", mark)
    assert event.message == "Changed: pkg/devloop/helper.py"
    (dev_server.root / "dist" / "extra.py").unlink()


def test_worker_crash_is_reported_and_the_next_save_recovers(dev_server: RunningDev) -> None:
    mark = len(dev_server.events)
    with PluginClient.connect(dev_server.address) as client:
        try:
            client.call_resource("GET", "/crash")
        except Exception:
            pass
        error = dev_server.wait_for(lambda e: e.kind == "error", mark)
        assert error.message == "The plugin worker exited with code 3; save a file to start it again."
        assert dev_server.server.status.state == "error"
        mark = dev_server.edit("VERSION = 1", "VERSION = 4")
        dev_server.wait_for(lambda e: e.kind == "reloaded", mark)
        assert _version(client, want=4) == 4


def test_plugin_json_change_is_copied_to_dist(dev_server: RunningDev) -> None:
    source = dev_server.root / "src" / "plugin.json"
    mark = len(dev_server.events)
    source.write_text(source.read_text().replace('"name": "Devloop"', '"name": "Devloop 2"'))
    dev_server.wait_for(lambda e: e.kind == "reloaded", mark)
    assert '"name": "Devloop 2"' in (dev_server.root / "dist" / "plugin.json").read_text()
