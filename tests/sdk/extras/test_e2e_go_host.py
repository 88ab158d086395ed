"""Streams and AutoMTLS under HashiCorp go-plugin's real client (Debian's go-plugin 1.0.1, which has AutoMTLS)."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gpctl.sdk.data import Frame

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "e2e_plugin.py"


def _gohost() -> ModuleType:
    """sdk-core's harness `tests/e2e/gohost.py`, loaded by path (tests/e2e is not a package)."""
    name = "gohost"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE.parent.parent / "e2e" / "gohost.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gohost = _gohost()
CTX = gohost.plugin_context("gpctl-streams-datasource", uid="ds-streams")


def b64d(raw: str) -> bytes:
    return base64.b64decode(raw)


def decode(raw: str) -> Any:
    return json.loads(b64d(raw))


@pytest.fixture(scope="module")
def host() -> Path:
    return Path(gohost.build_host())


@pytest.fixture(scope="module")
def executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(gohost.write_wrapper(tmp_path_factory.mktemp("streams") / "gpx_streams_linux_amd64", PLUGIN))


CALLS = [
    {"call": "SubscribeStream", "request": {"pluginContext": CTX, "path": "live/oslo"}},
    {"call": "SubscribeStream", "request": {"pluginContext": CTX, "path": "live/atlantis"}},
    {
        "call": "PublishStream",
        "request": {"pluginContext": CTX, "path": "live/oslo", "data": gohost.b64({"x": 1})},
    },
    {"call": "PublishStream", "request": {"pluginContext": CTX, "path": "finite"}},
    {"call": "RunStream", "request": {"pluginContext": CTX, "path": "live/oslo"}, "max_messages": 5},
    {"call": "RunStream", "request": {"pluginContext": CTX, "path": "finite"}, "max_messages": 10},
    {
        "call": "QueryChunkedData",
        "request": {
            "pluginContext": CTX,
            "queries": [{"refId": "A", "queryType": "big"}, {"refId": "B", "queryType": "bad"}],
        },
    },
]


def check_streams(run: Any) -> None:
    assert run.returncode == 0, run.log_lines
    assert all(c["ok"] for c in run.calls), run.calls

    subscribed = run.call("SubscribeStream")["response"]
    assert subscribed.get("status", "OK") == "OK"  # protojson leaves out the zero enum
    assert decode(subscribed["data"])["schema"]["name"] == "oslo"
    assert run.call("SubscribeStream", 1)["response"]["status"] == "NOT_FOUND"
    published = run.call("PublishStream")["response"]
    assert published.get("status", "OK") == "OK" and decode(published["data"]) == {"echo": {"x": 1}}
    assert run.call("PublishStream", 1)["response"]["status"] == "PERMISSION_DENIED"

    packets = [decode(p["data"]) for p in run.call("RunStream")["responses"]]  # each one valid JSON
    assert len(packets) == 5
    assert [f["name"] for f in packets[0]["schema"]["fields"]] == ["n", "value"]
    assert all(set(p) == {"data"} for p in packets[1:])
    assert [p["data"]["values"][0][0] for p in packets] == [1, 2, 3, 4, 5]
    assert [decode(p["data"]) for p in run.call("RunStream", 1)["responses"]] == [
        {"i": 0},
        {"i": 1},
        {"i": 2},
    ]

    chunks = run.call("QueryChunkedData")["responses"]
    data = [c for c in chunks if c.get("frameId")]
    assert {c["frameId"] for c in data} == {"A/0", "A/1"} and len(data) >= 4
    values = [
        v
        for c in data
        if c["frameId"] == "A/0"
        for v in Frame.from_arrow_bytes(b64d(c["frame"])).field("v").values
    ]
    assert len(values) == 300_000 and values[-1] == 299_999.0
    [error] = [c for c in chunks if not c.get("frameId")]
    assert (error["refId"], error["status"], error["error"]) == ("B", 400, "Unknown metric `x`.")

    # the host cancelled the stream after 5 packets: the generator's finally block ran in the plugin
    closed = [line for line in run.log_lines if "Stream closed." in line]
    assert len(closed) == 1 and "channel=ds/ds-streams/live/oslo" in closed[0], run.log_lines
    assert run.warn_or_error_lines() == []
    assert run.exited and run.kill_ms < 1500


def test_streams_under_go_plugin(host: Path, executable: Path) -> None:
    check_streams(gohost.run_host(executable, CALLS, host=host))


def test_auto_mtls_under_go_plugin(host: Path, executable: Path) -> None:
    """go-plugin's AutoMTLS: the host's P-521 client cert in PLUGIN_CLIENT_CERT, the plugin's in the handshake."""
    pytest.importorskip("cryptography")
    run = gohost.run_host(executable, CALLS, env={**os.environ, "GOHOST_AUTO_MTLS": "1"}, host=host)
    assert any("configuring client automatic mTLS" in line for line in run.log_lines)
    check_streams(run)


def test_unix_socket_under_go_plugin(host: Path, executable: Path, tmp_path: Path) -> None:
    """PLUGIN_UNIX_SOCKET_DIR/GROUP: the plugin listens on a socket there; go-plugin dials `unix`."""
    env = {
        **os.environ,
        "PLUGIN_UNIX_SOCKET_DIR": str(tmp_path),
        "PLUGIN_UNIX_SOCKET_GROUP": str(os.getgid()),
    }
    run = gohost.run_host(executable, CALLS, env=env, host=host)
    check_streams(run)
    serving = [line for line in run.log_lines if "plugin serving" in line]
    assert serving and f"address={tmp_path}/plugin" in serving[0], run.log_lines
