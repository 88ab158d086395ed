"""QueryData calls/s through the SDK vs a raw threaded grpcio servicer returning the same bytes, both driven by
HashiCorp go-plugin's real client (the Go host of tests/e2e), sequential and 16 concurrent, in one run.

The raw servicers answer every query with the Arrow bytes of the very frame the SDK handler returns (the SDK
encodes it on every call, as it must). The goal is the ratio to the raw *threaded* grpcio servicer; a raw grpc.aio
servicer is measured too, as the other grpcio server a Python plugin could use. The SDK serves with its own asyncio
HTTP/2 server (`gpctl.sdk._protocol._wire`). Servers alternate round by round; the best round of each is kept. The
Go host shares the machine's cores with the plugin, so load from other processes lowers every figure: the load
average is printed.

Run: .venv/bin/python benchmarks/queries.py   (needs Debian's Go packages, see tests/e2e/gohost.py)
"""

from __future__ import annotations

import os
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

RAW_AIO_PLUGIN = """
import asyncio, os, sys
import grpc
from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb, backend_pb2_grpc as pb_grpc
from gpctl.sdk._protocol.plugin import grpc_controller_pb2 as cpb, grpc_controller_pb2_grpc as cpb_grpc
from gpctl.sdk.data import Field, Frame, encode_frames

FRAME = Frame("bench", Field("time_ms", [1, 2, 3]), Field("value", [1.0, 2.0, 3.0]))
BYTES = encode_frames([FRAME], "arrow", ref_id="A")[0]


class Data(pb_grpc.DataServicer):
    async def QueryData(self, request, context):
        out = pb.QueryDataResponse()
        for q in request.queries:
            out.responses[q.refId].frames.append(BYTES)
            out.responses[q.refId].status = 200
        return out


class Controller(cpb_grpc.GRPCControllerServicer):
    async def Shutdown(self, request, context):
        asyncio.get_running_loop().call_later(0.01, os._exit, 0)
        return cpb.Empty()


async def main():
    server = grpc.aio.server()
    pb_grpc.add_DataServicer_to_server(Data(), server)
    cpb_grpc.add_GRPCControllerServicer_to_server(Controller(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"1|2|tcp|127.0.0.1:{port}|grpc\\n")
    sys.stdout.flush()
    await server.wait_for_termination()


asyncio.run(main())
"""

ROUNDS = 3
SEQUENTIAL = 3000
CONCURRENT = 6000
SERVERS = (
    ("raw", "raw threaded grpcio", RAW_PLUGIN),
    ("aio", "raw grpc.aio", RAW_AIO_PLUGIN),
    ("sdk", "gpctl.sdk", SDK_PLUGIN),
)


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
    load_before = os.getloadavg()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in SERVERS}
    with tempfile.TemporaryDirectory() as tmp:
        executables = {}
        for name, _, source in SERVERS:
            script = Path(tmp) / f"{name}_plugin.py"
            script.write_text(source)
            executables[name] = write_wrapper(Path(tmp) / f"gpx_{name}", script)
        for _ in range(ROUNDS):
            for name, _, _ in SERVERS:
                results[name].append(_measure(host, executables[name]))
    load_after = os.getloadavg()
    best = {name: (max(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}
    raw = best["raw"]
    print(
        f"QueryData calls/s via go-plugin (best of {ROUNDS} alternating rounds; {SEQUENTIAL} sequential, "
        f"{CONCURRENT} on 16 goroutines)"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print(f"{'':24s}{'sequential':>12s}{'16 concurrent':>16s}{'seq / raw':>12s}{'conc / raw':>12s}")
    for name, label, _ in SERVERS:
        seq, conc = best[name]
        print(f"{label:24s}{seq:12.0f}{conc:16.0f}{seq / raw[0]:11.2f}x{conc / raw[1]:11.2f}x")
    sdk, aio = best["sdk"], best["aio"]
    print(
        f"ratio sdk / raw threaded grpcio: {sdk[0] / raw[0]:.2f}x sequential, {sdk[1] / raw[1]:.2f}x concurrent "
        f"(goal >= 1.2x); sdk / raw grpc.aio: {sdk[0] / aio[0]:.2f}x, {sdk[1] / aio[1]:.2f}x"
    )
    for name, label, _ in SERVERS:
        rounds = ", ".join(f"{a:.0f}/{b:.0f}" for a, b in results[name])
        print(f"  rounds {label}: {rounds}")


if __name__ == "__main__":
    main()
