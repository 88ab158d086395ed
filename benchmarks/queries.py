"""QueryData calls/s through the SDK vs a raw threaded grpcio servicer returning the same bytes, both driven by
HashiCorp go-plugin's real client (the Go host of tests/e2e), sequential and 16 concurrent, in one run.

Run: .venv/bin/python benchmarks/queries.py   (needs Debian's Go packages, see tests/e2e/gohost.py)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from gohost import b64, build_host, plugin_context, run_host, write_wrapper  # noqa: E402

SDK_PLUGIN = """
from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext, serve

FRAME = Frame("bench", Field("time_ms", [1, 2, 3]), Field("value", [1.0, 2.0, 3.0]))
ds = Datasource("bench-datasource")


@ds.query("bench")
async def bench(query: DataQuery, ctx: PluginContext) -> Frame:
    return FRAME


serve(ds)
"""

RAW_PLUGIN = """
import os, sys, threading
from concurrent import futures
import grpc
from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb, backend_pb2_grpc as pb_grpc
from gpctl.sdk._protocol.plugin import grpc_controller_pb2 as cpb, grpc_controller_pb2_grpc as cpb_grpc
from gpctl.sdk.data import Field, Frame, encode_frames

FRAME = Frame("bench", Field("time_ms", [1, 2, 3]), Field("value", [1.0, 2.0, 3.0]))
BYTES = encode_frames([FRAME], "arrow", ref_id="A")[0]


class Data(pb_grpc.DataServicer):
    def QueryData(self, request, context):
        out = pb.QueryDataResponse()
        for q in request.queries:
            out.responses[q.refId].frames.append(BYTES)
            out.responses[q.refId].status = 200
        return out


class Controller(cpb_grpc.GRPCControllerServicer):
    def Shutdown(self, request, context):
        threading.Timer(0.01, os._exit, (0,)).start()
        return cpb.Empty()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
pb_grpc.add_DataServicer_to_server(Data(), server)
cpb_grpc.add_GRPCControllerServicer_to_server(Controller(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
sys.stdout.write(f"1|2|tcp|127.0.0.1:{port}|grpc\\n")
sys.stdout.flush()
server.wait_for_termination()
"""

ROUNDS = 2
SEQUENTIAL = 3000
CONCURRENT = 6000


def _measure(host: Path, executable: Path) -> tuple[float, float]:
    request = {
        "pluginContext": plugin_context("bench-datasource"),
        "queries": [
            {
                "refId": "A",
                "queryType": "bench",
                "json": b64({"refId": "A"}),
                "timeRange": {"fromEpochMS": "0", "toEpochMS": "60000"},
            }
        ],
    }
    calls = [
        {"call": "QueryData", "request": request, "repeat": 300, "concurrency": 4},
        {"call": "QueryData", "request": request, "repeat": SEQUENTIAL, "concurrency": 1},
        {"call": "QueryData", "request": request, "repeat": CONCURRENT, "concurrency": 16},
    ]
    run = run_host(executable, calls, log_level="error", host=host, timeout=300)
    if run.returncode != 0:
        raise SystemExit(f"benchmark run failed: {run.report} {run.log_lines[-5:]}")
    answer = run.calls[1]["response"]["responses"]["A"]
    assert answer["status"] == 200 and len(answer["frames"]) == 1
    return run.calls[1]["calls_per_s"], run.calls[2]["calls_per_s"]


def main() -> None:
    host = build_host()
    with tempfile.TemporaryDirectory() as tmp:
        sdk_script, raw_script = Path(tmp) / "sdk_plugin.py", Path(tmp) / "raw_plugin.py"
        sdk_script.write_text(SDK_PLUGIN)
        raw_script.write_text(RAW_PLUGIN)
        sdk = write_wrapper(Path(tmp) / "gpx_sdk", sdk_script)
        raw = write_wrapper(Path(tmp) / "gpx_raw", raw_script)
        results: dict[str, list[tuple[float, float]]] = {"sdk": [], "raw": []}
        for _ in range(ROUNDS):
            results["raw"].append(_measure(host, raw))
            results["sdk"].append(_measure(host, sdk))
    best = {name: (max(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}
    print(
        f"QueryData calls/s via go-plugin (best of {ROUNDS} rounds; {SEQUENTIAL} sequential, {CONCURRENT} on 16 goroutines)"
    )
    print(f"{'':24s}{'sequential':>12s}{'16 concurrent':>16s}")
    for name, label in (("raw", "raw threaded grpcio"), ("sdk", "gpctl.sdk")):
        seq, conc = best[name]
        print(f"{label:24s}{seq:12.0f}{conc:16.0f}")
    print(
        f"{'ratio sdk / raw':24s}{best['sdk'][0] / best['raw'][0]:11.2f}x{best['sdk'][1] / best['raw'][1]:15.2f}x"
    )


if __name__ == "__main__":
    main()
