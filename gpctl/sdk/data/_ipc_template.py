"""A fast path for encoding frames as Arrow IPC files: reuse pyarrow's own bytes around a new body.

An Arrow IPC file of one record batch is `magic, schema message, record batch message, body, EOS, footer`. When
no column has nulls, every byte outside the body depends only on the schema (names, types, metadata), the row
count and the length of each column buffer. So the first frames of a given shape are written by pyarrow as usual;
from the second one on, the bytes before and after pyarrow's body are kept as a template (after checking that
the body rebuilt here is exactly pyarrow's), and later frames of that shape are the template around their own
column buffers, byte for byte what pyarrow would write, without pyarrow's writer on the request path.

Frames with nulls, sliced arrays or types other than fixed-width numbers, times, bools, strings and binary always
take pyarrow's writer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from gpctl.sdk.data._types import FieldType

if TYPE_CHECKING:
    from gpctl.sdk.data._frame import Frame

__all__ = ["TemplateEncoder"]

_WIDTH = {
    FieldType.INT8: 1,
    FieldType.UINT8: 1,
    FieldType.INT16: 2,
    FieldType.UINT16: 2,
    FieldType.ENUM: 2,
    FieldType.INT32: 4,
    FieldType.UINT32: 4,
    FieldType.FLOAT32: 4,
    FieldType.INT64: 8,
    FieldType.UINT64: 8,
    FieldType.FLOAT64: 8,
    FieldType.TIME: 8,
}
_VARIABLE = (FieldType.STRING, FieldType.JSON)
_ZEROS = bytes(8)
_MAX_TEMPLATES = 256


def _body_buffers(frame: Frame, rows: int) -> list[Any] | None:
    """The body buffers pyarrow writes for `frame` (validity omitted), or None when the fast path does not apply."""
    out: list[Any] = []
    for item in frame.fields:
        array = item.to_arrow()
        if array.offset or array.null_count:
            return None
        buffers = array.buffers()
        ftype = item.type
        width = _WIDTH.get(ftype)
        if width is not None:
            if len(buffers) != 2:
                return None
            out.append(memoryview(buffers[1])[: rows * width])
        elif ftype is FieldType.BOOL:
            if len(buffers) != 2:
                return None
            out.append(memoryview(buffers[1])[: (rows + 7) // 8])
        elif ftype in _VARIABLE:
            if len(buffers) != 3:
                return None
            offsets = memoryview(buffers[1])
            if int.from_bytes(offsets[:4], "little"):
                return None
            end = int.from_bytes(offsets[rows * 4 : rows * 4 + 4], "little", signed=True)
            out.append(offsets[: (rows + 1) * 4])
            out.append(memoryview(buffers[2])[:end])
        else:
            return None
    return out


def _padded(buffers: list[Any]) -> list[Any]:
    """The body as pyarrow lays it out: each buffer followed by zeros up to a multiple of 8 bytes."""
    parts: list[Any] = []
    for buf in buffers:
        parts.append(buf)
        pad = -len(buf) % 8
        if pad:
            parts.append(_ZEROS[:pad])
    return parts


def _body_start(data: bytes) -> int:
    """Where the first record batch's body starts in an Arrow IPC file (after the schema and batch messages)."""
    pos = 8  # magic `ARROW1` + 2 bytes of padding
    for _ in range(2):  # schema message, then record batch message: 0xFFFFFFFF, int32 length, flatbuffer
        if data[pos : pos + 4] != b"\xff\xff\xff\xff":
            return -1
        pos += 8 + int.from_bytes(data[pos + 4 : pos + 8], "little", signed=True)
    return pos


class TemplateEncoder:
    """Encode frames with `slow` (pyarrow) the first time a shape is seen, from a template afterwards."""

    def __init__(
        self, slow: Callable[[Frame, str | None], bytes], schema_key: Callable[..., Hashable]
    ) -> None:
        self.slow = slow
        self.schema_key = schema_key
        self.templates: dict[Hashable, tuple[bytes, bytes] | None] = {}
        self.seen: set[Hashable] = set()

    def encode(self, frame: Frame, ref_id: str | None) -> bytes:
        rows = frame.rows
        buffers = _body_buffers(frame, rows) if rows else None
        if buffers is None:
            return self.slow(frame, ref_id)
        key = (self.schema_key(frame, ref_id), rows, tuple(len(b) for b in buffers))
        template = self.templates.get(key)
        if template is not None:
            return b"".join([template[0], *_padded(buffers), template[1]])  # the column buffers copied once
        data = self.slow(frame, ref_id)
        if key in self.templates:  # known not to fit the template
            return data
        if key not in self.seen:  # learn a shape only when it repeats
            if len(self.seen) >= 4 * _MAX_TEMPLATES:
                self.seen.clear()
            self.seen.add(key)
            return data
        body = b"".join(_padded(buffers))
        start = _body_start(data)
        fits = start > 0 and data[start : start + len(body)] == body
        if len(self.templates) >= _MAX_TEMPLATES:
            self.templates.clear()  # shapes keep changing: start over (safe while other threads read)
        self.templates[key] = (data[:start], data[start + len(body) :]) if fits else None
        return data
