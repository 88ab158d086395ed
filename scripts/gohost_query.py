"""Run a plugin executable under the real go-plugin host (tests/e2e/gohost) and print what Grafana would get."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from gohost import b64, build_host, plugin_context, run_host  # noqa: E402

from gpctl.sdk.data import Frame  # noqa: E402


def main(executable: str) -> int:
    exe = Path(executable).resolve()
    build_host()
    ctx = plugin_context(plugin_id="acme-weather-datasource", secure_json_data={"apiKey": "demo-key"})
    query = {
        "refId": "A",
        "maxDataPoints": 100,
        "intervalMS": 1000,
        "timeRange": {"fromEpochMS": 1_700_000_000_000, "toEpochMS": 1_700_000_060_000},
        "json": b64({"refId": "A", "constant": 4.2}),
    }
    calls = [
        {"call": "CheckHealth", "request": {"pluginContext": ctx}},
        {"call": "QueryData", "request": {"pluginContext": ctx, "queries": [query]}},
    ]
    host = run_host(exe, calls)
    report = host.report
    print(f"handshake + connect: {report.get('start_ms')} ms, protocol {report.get('negotiated_version')}")
    for call in report.get("calls", []):
        if not call.get("ok"):
            print(f"{call['call']}: FAILED: {call.get('error')}")
            continue
        response = call.get("response", {})
        if call["call"] == "CheckHealth":
            print(f"CheckHealth: {response.get('status', 'UNKNOWN')} — {response.get('message', '')}")
        else:
            for ref_id, data in response.get("responses", {}).items():
                print(f"QueryData {ref_id}: status {data.get('status')}")
                for raw in data.get("frames", []):
                    frame = Frame.from_arrow_bytes(base64.b64decode(raw))
                    print(json.dumps(frame.to_dict(), default=str))
    print(f"Kill (Shutdown + exit): {report.get('kill_ms')} ms, exited: {report.get('exited')}")
    problems = host.warn_or_error_lines()
    if problems:
        print("host WARN/ERROR lines:\n" + "\n".join(problems))
    ok = all(c.get("ok") for c in report.get("calls", [])) and not problems and report.get("exited")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
