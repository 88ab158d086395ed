"""QueryChunkedData: stable frame ids, row chunking of big frames, error chunks, opting out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from gpctl.sdk._protocol._chunked import QueryOutcome, chunk_outcome, query_chunked_data, split_frame
from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
from gpctl.sdk.data import Field, Frame


def big_frame(rows: int) -> Frame:
    return Frame(
        "big",
        Field("time", [1_700_000_000_000_000_000 + i for i in range(rows)], type="time"),
        Field("value", [float(i) for i in range(rows)], labels={"host": "a"}),
    )


def test_small_frames_stay_whole_and_big_ones_split_by_rows() -> None:
    small = big_frame(10)
    assert list(split_frame(small, 1 << 20)) == [small]
    parts = list(split_frame(big_frame(10_000), 16_000))  # 16 bytes a row -> 1,000 rows a chunk
    assert [p.rows for p in parts] == [1000] * 10
    assert parts[3].field("value").values[0] == 3000.0
    assert parts[3].field("value").labels == {"host": "a"}


def test_chunks_have_stable_frame_ids_and_reassemble() -> None:
    frames = [big_frame(5000), Frame("meta", Field("n", [1, 2]))]
    chunks = list(chunk_outcome(QueryOutcome("A", frames), pb.ARROW, chunk_bytes=20_000))
    assert [c.frameId for c in chunks] == ["A/0"] * 4 + ["A/1"]
    assert all(c.refId == "A" and c.status == 200 and c.format == pb.ARROW for c in chunks)
    decoded = [Frame.from_arrow_bytes(c.frame) for c in chunks[:4]]
    values = [v for f in decoded for v in f.field("value").values]
    assert values == [float(i) for i in range(5000)]
    assert {f.ref_id for f in decoded} == {"A"}
    assert frames[0].ref_id is None  # the handler's frame is not modified


def test_json_chunks_carry_schema_once_per_frame() -> None:
    chunks = list(chunk_outcome(QueryOutcome("B", [big_frame(3000)]), pb.JSON, chunk_bytes=16_000))
    docs = [json.loads(c.frame) for c in chunks]
    assert [sorted(d) for d in docs] == [["data", "schema"], ["data"], ["data"]]
    assert all(c.format == pb.JSON for c in chunks)


def test_errors_become_error_chunks_after_frames() -> None:
    outcome = QueryOutcome(
        "C", [Frame("partial", Field("n", [1]))], "Downstream timed out.", 504, "downstream"
    )
    chunks = list(chunk_outcome(outcome))
    assert [c.frameId for c in chunks] == ["C/0", ""]
    last = chunks[-1]
    assert (last.refId, last.error, last.status, last.errorSource, last.frame) == (
        "C",
        "Downstream timed out.",
        504,
        "downstream",
        b"",
    )
    bad_status = list(chunk_outcome(QueryOutcome("D", (), "boom", 0)))
    assert bad_status[0].status == 500


def run_server(run_queries: Any) -> list[pb.QueryChunkedDataResponse] | grpc.aio.AioRpcError:
    async def main() -> list[pb.QueryChunkedDataResponse] | grpc.aio.AioRpcError:
        server = grpc.aio.server()

        async def handler(request: pb.QueryChunkedDataRequest, context: grpc.aio.ServicerContext) -> None:
            await query_chunked_data(request, context, run_queries, chunk_bytes=20_000)

        method = grpc.unary_stream_rpc_method_handler(
            handler,
            request_deserializer=pb.QueryChunkedDataRequest.FromString,
            response_serializer=pb.QueryChunkedDataResponse.SerializeToString,
        )
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("pluginv2.Data", {"QueryChunkedData": method}),)
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                call = channel.unary_stream(
                    "/pluginv2.Data/QueryChunkedData",
                    request_serializer=pb.QueryChunkedDataRequest.SerializeToString,
                    response_deserializer=pb.QueryChunkedDataResponse.FromString,
                )
                request = pb.QueryChunkedDataRequest(
                    queries=[pb.DataQuery(refId="A"), pb.DataQuery(refId="B")]
                )
                try:
                    return [chunk async for chunk in call(request)]
                except grpc.aio.AioRpcError as exc:
                    return exc
        finally:
            await server.stop(None)

    return asyncio.run(main())


def test_served_over_grpc() -> None:
    async def run_queries(request: pb.QueryChunkedDataRequest, context: Any) -> AsyncIterator[QueryOutcome]:
        for query in request.queries:
            if query.refId == "A":
                yield QueryOutcome("A", [big_frame(3000)])
            else:
                yield QueryOutcome("B", (), "Bad query.", 400, "plugin")

    chunks = run_server(run_queries)
    assert isinstance(chunks, list)
    assert [(c.refId, c.frameId, c.status) for c in chunks] == [
        ("A", "A/0", 200),
        ("A", "A/0", 200),
        ("A", "A/0", 200),
        ("B", "", 400),
    ]


def test_opting_out_answers_unimplemented() -> None:
    error = run_server(None)
    assert isinstance(error, grpc.aio.AioRpcError)
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED
    assert error.details() == "The plugin does not serve chunked queries."


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_frames_are_never_split(rows: int) -> None:
    frame = big_frame(rows)
    assert list(split_frame(frame, 1)) == [frame]
