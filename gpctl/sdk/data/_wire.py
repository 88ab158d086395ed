"""What the runtime sends: frame lists per requested format, and streaming packets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from gpctl.sdk.data._frame import Frame

__all__ = ["FrameFormat", "StreamPacketEncoder", "encode_frames"]

FrameFormat = Literal["arrow", "json"]


def encode_frames(
    frames: Sequence[Frame], format: FrameFormat | str | int = "arrow", *, ref_id: str | None = None
) -> list[bytes]:
    """Encode frames for `DataResponse.frames`: Arrow IPC files, or frame JSON (`IncludeAll`) for `format="json"`.

    `format` may also be the protobuf `DataFrameFormat` number of the request (0 ARROW, 1 JSON). `ref_id` fills
    the refId of frames that have none (the response map key), without changing the frames.

    Raises:
        FrameError: a frame cannot be encoded (the message names the field).
        ValueError: `format` is neither `arrow` nor `json`.
    """
    fmt = {0: "arrow", 1: "json"}.get(format, str(format)) if isinstance(format, int) else format.lower()
    if fmt == "arrow":
        from gpctl.sdk.data._arrow import encode_arrow

        return [encode_arrow(frame, ref_id) for frame in frames]
    if fmt == "json":
        from gpctl.sdk.data._json import encode_json

        return [encode_json(frame, "all", ref_id) for frame in frames]
    raise ValueError(f"Unknown frame format `{format}`; use `arrow` or `json`.")


class StreamPacketEncoder:
    """Encode the frames of one stream as `StreamPacket.data`.

    The first frame, and any frame whose schema differs from the previous one, is sent with schema and data
    (`IncludeAll`); later frames with the same schema are sent data-only, as Grafana Live expects.
    """

    def __init__(self) -> None:
        self._schema: bytes | None = None

    def encode(self, frame: Frame) -> bytes:
        """Return the JSON packet for `frame`."""
        from gpctl.sdk.data._json import encode_json

        schema = encode_json(frame, "schema")
        data = encode_json(frame, "data")
        if schema == self._schema:
            return data
        self._schema = schema
        # `{"schema":S}` and `{"data":D}` spliced: the bytes of `encode_json(frame, "all")`, S not serialised again
        return schema[:-1] + b"," + data[1:]

    def reset(self) -> None:
        """Send the schema again with the next frame (for example after a client reconnects)."""
        self._schema = None
