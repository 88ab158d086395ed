"""The example plugin under HashiCorp go-plugin's real client, configured exactly like Grafana."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gohost import b64, plugin_context, run_host

from gpctl.sdk.data import Frame

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

SECRET = "s3cr3t-value-e2e"
CTX = plugin_context(
    "gpctl-example-datasource", json_data={"foo": "bar"}, secure_json_data={"apiKey": SECRET}, uid="ds-e2e"
)
RANGE = {"fromEpochMS": "1700000000000", "toEpochMS": "1700000060000"}


def _query(ref_id: str, query_type: str, model: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "refId": ref_id,
        "queryType": query_type,
        "json": b64(model or {}),
        "timeRange": RANGE,
        "maxDataPoints": "100",
        "intervalMS": "1000",
    }


CLEAN_CALLS = [
    {"call": "Ping"},
    {"call": "CheckHealth", "request": {"pluginContext": CTX, "headers": {"X-Test": "1"}}},
    {
        "call": "QueryData",
        "request": {"pluginContext": CTX, "queries": [_query("A", "constant", {"value": 2.5})]},
    },
    {"call": "CollectMetrics", "request": {"pluginContext": CTX}},
    {
        "call": "QueryChunkedData",
        "request": {
            "pluginContext": CTX,
            "queries": [_query("A", "constant", {"value": 7}), _query("B", "downstream")],
        },
    },
    {
        "call": "CallResource",
        "request": {
            "pluginContext": CTX,
            "path": "echo",
            "method": "POST",
            "url": "echo?x=1",
            "headers": {"Content-Type": {"values": ["application/json"]}},
            "body": b64({"hello": "world"}),
        },
    },
]


def test_clean_run_under_go_plugin(go_host: Path, example_executable: Path) -> None:
    run = run_host(example_executable, CLEAN_CALLS, host=go_host)
    assert run.returncode == 0, run.log_lines
    assert [c["call"] for c in run.calls if c["ok"]] == [c["call"] for c in CLEAN_CALLS]
    assert run.report["negotiated_version"] == 2
    assert run.report["protocol"] == "grpc"

    health = run.call("CheckHealth")["response"]
    assert health["status"] == "OK"
    assert health["message"] == "Example datasource is working."
    assert json.loads(base64_decode(health["jsonDetails"])) == {"foo": "bar", "secretKeys": ["apiKey"]}

    answer = run.call("QueryData")["response"]["responses"]["A"]
    assert answer["status"] == 200
    [frame_bytes] = answer["frames"]
    frame = Frame.from_arrow_bytes(base64_decode(frame_bytes))
    assert frame.name == "constant"
    assert frame.ref_id == "A"
    assert frame.field("value").values == [2.5, 2.5, 2.5]

    chunks = run.call("QueryChunkedData")["responses"]
    assert [(c["refId"], c["status"]) for c in chunks if c.get("refId") == "A"] == [("A", 200)]
    assert Frame.from_arrow_bytes(
        base64_decode(chunks[0]["frame"] if chunks[0]["refId"] == "A" else chunks[1]["frame"])
    ).field("value").values == [7.0, 7.0, 7.0]
    [failed] = [c for c in chunks if c["refId"] == "B"]
    assert (failed["status"], failed["error"], failed["errorSource"]) == (
        502,
        "The weather API answered 503.",
        "downstream",
    )

    metrics = base64_decode(run.call("CollectMetrics")["response"]["metrics"]["prometheus"]).decode()
    assert (
        'grafana_plugin_request_total{endpoint="queryData",status="ok",status_source="plugin"} 1.0' in metrics
    )
    assert (
        'grafana_plugin_request_total{endpoint="checkHealth",status="ok",status_source="plugin"} 1.0'
        in metrics
    )

    [message] = run.call("CallResource")["responses"]
    assert message["code"] == 200
    assert message["headers"]["Content-Type"]["values"] == ["application/json"]
    assert json.loads(base64_decode(message["body"])) == {
        "path": "echo",
        "method": "POST",
        "url": "echo?x=1",
        "body": '{"hello": "world"}',
    }

    assert run.warn_or_error_lines() == []
    assert any("plugin serving" in line for line in run.lines_at("DEBUG"))
    assert any("CheckHealth" in line and "datasource=ds-e2e" in line for line in run.lines_at("INFO"))
    assert run.exited
    assert run.kill_ms < 1000, f"Kill took {run.kill_ms} ms"


def test_levels_errors_and_stdout_under_go_plugin(go_host: Path, example_executable: Path) -> None:
    queries = [_query("A", "print"), _query("B", "fail"), _query("C", "constant", {"value": "x"})]
    run = run_host(
        example_executable,
        [{"call": "QueryData", "request": {"pluginContext": CTX, "queries": queries}}],
        host=go_host,
    )
    assert run.returncode == 0, run.log_lines
    responses = run.call("QueryData")["response"]["responses"]
    assert responses["A"]["status"] == 200
    assert responses["B"] == {
        "status": 500,
        "error": "Internal error in query handler.",
        "errorSource": "plugin",
    }
    assert responses["C"]["status"] == 400
    assert (
        responses["C"]["error"]
        == "Query `C` does not fit `ConstantQuery`: field `value` must be a number, not a string."
    )

    name = "host.gpx_example_linux_amd64"
    assert any(f"{name}: a warning from the plugin" in line for line in run.lines_at("WARN"))
    assert any(f"{name}: a debug line from the plugin" in line for line in run.lines_at("DEBUG"))
    assert any(f"{name}: stray print from a handler" in line for line in run.lines_at("DEBUG"))
    failed = [line for line in run.lines_at("ERROR") if "Query handler failed." in line]
    assert failed
    assert any("refId=B" in line for line in run.log_lines)
    assert all(SECRET not in line for line in run.log_lines)
    assert any("boom with secret ***" in line for line in run.log_lines)
    assert run.kill_ms < 1000


def base64_decode(text: str) -> bytes:
    import base64

    return base64.b64decode(text)
