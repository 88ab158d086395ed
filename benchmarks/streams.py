"""RunStream packets per second: a 1-row frame stream and a 1,000-row frame stream.

The plugin side runs in a child process: gpctl's Stream servicer (route matching, an async generator yielding
`Frame`s, frame JSON encoding with the schema only in the first packet) next to a baseline in the same server — a
bare grpc.aio RunStream that writes packets pre-encoded once (the same bytes, so the ratio is the SDK's cost per
packet on top of gRPC). A grpcio client in this process reads N packets from each, alternating runs.

Run: python benchmarks/streams.py [seconds-per-run]
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import statistics
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from gpctl.sdk._protocol._stream_servicer import StreamServicer
from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
from gpctl.sdk._protocol.pluginv2 import backend_pb2_grpc as pb_grpc
from gpctl.sdk._stream import RunStreamRequest, StreamRouter
from gpctl.sdk.data import Field, Frame

ROWS = {"1-row": 1, "1000-row": 1000}


def make_frame(rows: int, offset: int = 0) -> Frame:
    return Frame(
        "bench",
        Field("time", [1_700_000_000_000 + (offset + i) * 1000 for i in range(rows)]),
        Field("value", [float(i) for i in range(rows)]),
    )


class Baseline:
    """RunStream writing pre-encoded packets: no routing, no encoding."""

    def __init__(self) -> None:
        self.packets = {
            name: (make_frame(rows).to_json("all"), make_frame(rows).to_json("data"))
            for name, rows in ROWS.items()
        }

    async def RunStream(self, request: pb.RunStreamRequest, context: Any) -> None:
        first, rest = self.packets[request.path.split("/")[-1]]
        await context.write(pb.StreamPacket(data=first))
        packet = pb.StreamPacket(data=rest)
        while True:
            await context.write(packet)


def router() -> StreamRouter:
    routes = StreamRouter()
    frames = {name: make_frame(rows) for name, rows in ROWS.items()}

    @routes.route("sdk/{size}")
    async def stream(req: RunStreamRequest, ctx: Any) -> AsyncIterator[Frame]:
        frame = frames[req.path_params["size"]]
        while True:
            yield frame

    return routes


def serve(conn: Any) -> None:
    async def main() -> None:
        server = grpc.aio.server()

        async def make_context(proto: Any, context: Any) -> Any:
            return None

        sdk = StreamServicer(router(), make_context)
        base = Baseline()

        async def run_stream(request: pb.RunStreamRequest, context: Any) -> None:
            if request.path.startswith("sdk/"):
                await sdk.RunStream(request, context)
            else:
                await base.RunStream(request, context)

        handler = grpc.unary_stream_rpc_method_handler(
            run_stream,
            request_deserializer=pb.RunStreamRequest.FromString,
            response_serializer=pb.StreamPacket.SerializeToString,
        )
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("pluginv2.Stream", {"RunStream": handler}),)
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        conn.send(port)
        await server.wait_for_termination()

    asyncio.run(main())


def packets_per_second(stub: Any, path: str, seconds: float) -> float:
    call = stub.RunStream(pb.RunStreamRequest(path=path))
    first = next(call)
    json.loads(first.data)
    count, start = 0, time.perf_counter()
    for _ in call:
        count += 1
        if count % 64 == 0 and time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    call.cancel()
    return count / elapsed


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    proc.start()
    port = parent.recv()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.StreamStub(channel)
            print(f"RunStream packets/s ({seconds:g} s per run, median of 3, server in a child process)")
            for name in ROWS:
                packets_per_second(stub, f"sdk/{name}", 0.2)  # warm-up
                ours, base = [], []
                for _ in range(3):
                    ours.append(packets_per_second(stub, f"sdk/{name}", seconds))
                    base.append(packets_per_second(stub, f"raw/{name}", seconds))
                o, b = statistics.median(ours), statistics.median(base)
                print(
                    f"  {name:>8} frames: gpctl {o:>9,.0f}/s   pre-encoded grpc.aio {b:>9,.0f}/s   ratio {o / b:.2f}x"
                )
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
