"""Frames sent by a real plugin process through HashiCorp go-plugin's client (as Grafana runs plugins)."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from frames_golden import GOLDEN_ARROW, GOLDEN_JSON

from gpctl.sdk.data import Frame

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "e2e"))
from gohost import b64, build_host, plugin_context, run_host, write_wrapper

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PLUGIN = Path(__file__).resolve().parent / "frames_plugin.py"
CTX = plugin_context("gpctl-frames-datasource")


def query(ref_id: str, query_type: str) -> dict[str, Any]:
    return {
        "refId": ref_id,
        "queryType": query_type,
        "json": b64({}),
        "timeRange": {"fromEpochMS": "0", "toEpochMS": "1"},
    }


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    executable = write_wrapper(tmp_path_factory.mktemp("frames") / "gpx_frames_linux_amd64", PLUGIN)
    calls = [
        {
            "call": "QueryData",
            "request": {"pluginContext": CTX, "queries": [query("A", "golden"), query("B", "big")]},
        },
        {
            "call": "QueryData",
            "request": {"pluginContext": CTX, "queries": [query("J", "golden")], "format": "JSON"},
        },
    ]
    run = run_host(executable, calls, host=build_host())
    assert run.returncode == 0, run.log_lines[-20:]
    assert run.warn_or_error_lines() == []
    return [c["response"]["responses"] for c in run.calls]


def frames_of(answer: dict[str, Any]) -> list[bytes]:
    assert answer.get("status", 200) == 200, answer
    return [base64.b64decode(f) for f in answer["frames"]]


def test_arrow_frames_arrive_as_valid_arrow_files(responses: list[dict[str, Any]]) -> None:
    [golden] = frames_of(responses[0]["A"])
    assert golden[:8] == b"ARROW1\0\0" and golden[-6:] == b"ARROW1"
    assert Frame.from_arrow_bytes(golden) == Frame.from_arrow_bytes(GOLDEN_ARROW.read_bytes())
    assert responses[0]["A"].get("format", "ARROW") == "ARROW"
    big, empty = (Frame.from_arrow_bytes(b) for b in frames_of(responses[0]["B"]))
    assert big.rows == 100_000 and big.ref_id == "B"
    assert big.field("time").to_numpy()[1].astype("int64") == 1_700_000_000_001 * 10**6
    assert empty.rows == 0 and empty.ref_id == "B"


def test_json_format_is_honoured(responses: list[dict[str, Any]]) -> None:
    answer = responses[1]["J"]
    assert answer["format"] == "JSON"
    [document] = frames_of(answer)
    golden = json.loads(GOLDEN_JSON.read_text())
    golden["schema"]["refId"] = "A"  # the golden frame's own refId is kept
    assert json.loads(document) == golden
