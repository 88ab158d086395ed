"""`Data.QueryChunkedData`: the same query handlers as QueryData, answered as a stream of chunks.

Each frame of a query's result is sent under a stable `frameId` (`<refId>/<frame index>`); a frame larger than
`chunk_bytes` is split by rows, and every chunk of it carries the same `frameId` and the same structure (the host
appends the rows). Chunks are Arrow IPC files (what Grafana decodes); for a `JSON` request the first chunk of a frame
has schema and data and later ones data only, like the Go SDK. A failed query becomes one error chunk (`refId`,
`status`, `error`, `errorSource`) after whatever frames it produced. A plugin that opts out answers `UNIMPLEMENTED`
(protocol.md §6.2: a status-501 chunk would break the host's Arrow decoding).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gpctl.sdk.data import Field, Frame

from ._wire import ServicerContext, StatusCode
from .pluginv2 import backend_pb2 as pb

if TYPE_CHECKING:
    import grpc

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "Chunk",
    "QueryOutcome",
    "chunk_outcome",
    "query_chunked",
    "query_chunked_data",
    "split_frame",
]

DEFAULT_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class QueryOutcome:
    """One query's result before encoding: its frames and, when it failed, the error."""

    ref_id: str
    frames: Sequence[Frame] = ()
    error: str = ""
    status: int = 200
    error_source: str = ""


RunQueries = Callable[[pb.QueryChunkedDataRequest, ServicerContext], AsyncIterator[QueryOutcome]]


def _nbytes(frame: Frame) -> int:
    total = 0
    for field in frame.fields:
        array = field.to_arrow()
        total += int(getattr(array, "nbytes", 0) or 0)
    return total


def split_frame(frame: Frame, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[Frame]:
    """Yield `frame` whole when it fits in `chunk_bytes`, else consecutive row slices of about that size."""
    rows, size = frame.rows, _nbytes(frame)
    if rows <= 1 or size <= chunk_bytes:
        yield frame
        return
    per_chunk = max(1, rows * chunk_bytes // size)
    for start in range(0, rows, per_chunk):
        fields = [
            Field(
                f.name,
                f.to_arrow().slice(start, per_chunk),
                f.labels,
                f.config,
                type=f.type,
                nullable=f.nullable,
            )
            for f in frame.fields
        ]
        yield Frame(frame.name, *fields, ref_id=frame.ref_id, meta=frame.meta)


def chunk_outcome(
    outcome: QueryOutcome, fmt: pb.DataFrameFormat = pb.ARROW, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Iterator[pb.QueryChunkedDataResponse]:
    """The chunks of one query's outcome: its frames (split when large), then an error chunk if it failed."""
    ref_id = outcome.ref_id
    for index, frame in enumerate(outcome.frames):
        frame_id = f"{ref_id}/{index}"
        for part, chunk in enumerate(split_frame(frame, chunk_bytes)):
            if not chunk.ref_id:  # a copy, so the handler's frame is left as it was
                chunk = Frame(chunk.name, *chunk.fields, ref_id=ref_id, meta=chunk.meta)
            data = chunk.to_json("all" if part == 0 else "data") if fmt == pb.JSON else chunk.to_arrow()
            yield pb.QueryChunkedDataResponse(
                refId=ref_id, frameId=frame_id, frame=data, status=200, format=fmt
            )
    if outcome.error:
        yield pb.QueryChunkedDataResponse(
            refId=ref_id,
            error=outcome.error,
            status=outcome.status if 100 <= outcome.status <= 599 else 500,
            errorSource=outcome.error_source,
        )


async def query_chunked_data(
    request: pb.QueryChunkedDataRequest,
    context: ServicerContext,
    run_queries: RunQueries | None,
    *,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> None:
    """Serve one QueryChunkedData call by writing the chunks of every query's outcome as it completes."""
    if run_queries is None:
        await context.abort(StatusCode.UNIMPLEMENTED, "The plugin does not serve chunked queries.")
        return
    async for outcome in run_queries(request, context):
        for chunk in chunk_outcome(outcome, request.format, chunk_bytes):
            await context.write(chunk)


# -- client side (gpctl.sdk.testing.PluginClient) ------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One QueryChunkedData message, decoded: `frame` is `None` for an error chunk."""

    ref_id: str
    frame_id: str
    frame: Frame | None
    status: int
    error: str = ""
    error_source: str = ""


def query_chunked(
    channel: grpc.Channel,
    ctx: pb.PluginContext,
    queries: Sequence[Mapping[str, Any]],
    *,
    json_format: bool = False,
    timeout: float = 30.0,
) -> tuple[list[Chunk], str]:
    """Send a QueryChunkedData call (queries as for `ProtocolClient.query_data`); return the chunks and the
    error status name (`""` when the call succeeded)."""
    import grpc

    from ._client import data_query
    from .pluginv2 import backend_pb2_grpc as pb_grpc

    chunked = pb.QueryChunkedDataRequest(
        pluginContext=ctx,
        format=pb.JSON if json_format else pb.ARROW,
        queries=[data_query(q) for q in queries],
    )
    chunks: list[Chunk] = []
    schemas: dict[str, Frame] = {}
    try:
        for message in pb_grpc.DataStub(channel).QueryChunkedData(chunked, timeout=timeout):
            frame: Frame | None = None
            if message.frame and message.format == pb.JSON:
                frame = Frame.from_json(message.frame, schema=schemas.get(message.frameId))
                schemas.setdefault(message.frameId, frame)
            elif message.frame:
                frame = Frame.from_arrow_bytes(message.frame)
            chunks.append(
                Chunk(
                    message.refId, message.frameId, frame, message.status, message.error, message.errorSource
                )
            )
    except grpc.RpcError as exc:
        return chunks, exc.code().name.lower()
    return chunks, ""
