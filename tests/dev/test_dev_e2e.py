"""The whole loop under HashiCorp go-plugin's real client (what Grafana runs), through the dev launcher.

`gpctl dev` serves the fixture project; the Go host launches `dist/gpx_devloop_<os>_<arch>` exactly as Grafana does.
The launcher runs in locator mode and go-plugin talks to the dev server. Within ONE host session: query (old code),
the handler file is edited, a stream of health checks runs across the reload without a single failure, and the next
query returns the new result. Then a broken save: reported, old code still served; the fix: new code served.
"""

from __future__ import annotations

import base64
import importlib.util
import signal
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gpctl.dev import executable_name
from gpctl.sdk.data import Frame

from .test_dev_cli import DevProcess

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _gohost() -> ModuleType:
    if "gohost" in sys.modules:
        return sys.modules["gohost"]
    path = Path(__file__).resolve().parents[1] / "e2e" / "gohost.py"
    spec = importlib.util.spec_from_file_location("gohost", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gohost"] = module
    spec.loader.exec_module(module)
    return module


def _query_call(gohost: ModuleType) -> dict[str, Any]:
    model = {"refId": "A", "points": 2}
    return {
        "call": "QueryData",
        "request": {
            "pluginContext": gohost.plugin_context("acme-devloop-datasource"),
            "queries": [
                {
                    "refId": "A",
                    "json": gohost.b64(model),
                    "timeRange": {"fromEpochMS": "1767225600000", "toEpochMS": "1767229200000"},
                    "maxDataPoints": "100",
                    "intervalMS": "1000",
                }
            ],
        },
    }


def _version(result: dict[str, Any]) -> int:
    assert result["ok"], result
    frames = result["response"]["responses"]["A"]["frames"]
    return int(Frame.from_arrow_bytes(base64.b64decode(frames[0])).field("version").values[0])


def test_reload_under_go_plugin(project_copy: Path) -> None:
    gohost = _gohost()
    host = gohost.build_host()
    dev = DevProcess(project_copy)
    try:
        dev.expect("Serving `devloop.plugin:ds`")
        launcher = project_copy / "dist" / executable_name("gpx_devloop")
        handler = project_copy / "pkg" / "devloop" / "plugin.py"
        query = _query_call(gohost)
        health = {
            "call": "CheckHealth",
            "request": {"pluginContext": gohost.plugin_context("acme-devloop-datasource")},
            "repeat": 500,
        }

        def edit_after_first_query() -> None:  # the handler logs each query; edit once the first one ran
            dev.expect("INFO  series served")
            handler.write_text(handler.read_text().replace("VERSION = 1", "VERSION = 2"))

        editor = threading.Thread(target=edit_after_first_query, daemon=True)
        editor.start()
        report = gohost.run_host(launcher, [query, health, query], host=host, timeout=120)
        editor.join(5)
        assert report.report.get("start_error") is None, report.log_lines[-20:]
        assert report.report["negotiated_version"] == 2
        dev.expect("Reloaded `devloop.plugin:ds` in ")
        assert _version(report.call("QueryData", 0)) == 1
        assert report.call("CheckHealth")["ok"], report.call(
            "CheckHealth"
        )  # no failed call across the reload
        assert _version(report.call("QueryData", 1)) == 2

        handler.write_text(handler.read_text().replace("VERSION = 2", "VERSION = 2 +"))
        assert dev.expect("stderr: error: Cannot load").endswith("(`pkg/devloop/plugin.py`, line 12).")
        assert _version(gohost.run_host(launcher, [query], host=host).call("QueryData")) == 2

        handler.write_text(handler.read_text().replace("VERSION = 2 +", "VERSION = 3"))
        dev.expect("Reloaded `devloop.plugin:ds` in ")
        assert _version(gohost.run_host(launcher, [query], host=host).call("QueryData")) == 3

        dev.process.send_signal(signal.SIGINT)
        assert dev.process.wait(30) == 0
        assert list((project_copy / "dist").iterdir()) == []
    finally:
        if dev.process.poll() is None:
            dev.process.kill()
            dev.process.wait()
