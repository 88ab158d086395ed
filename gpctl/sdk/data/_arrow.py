"""Arrow IPC encoding and decoding of frames, compatible with the Go SDK (frames.md §2-§4)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from gpctl.sdk.data._config import FieldConfig
from gpctl.sdk.data._convert import ARROW_TYPES, convert, field_type_of
from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field
from gpctl.sdk.data._ipc_template import TemplateEncoder
from gpctl.sdk.data._meta import FrameMeta
from gpctl.sdk.data._types import FieldType

if TYPE_CHECKING:
    from gpctl.sdk.data._frame import Frame

__all__ = ["decode_arrow", "encode_arrow", "from_table", "to_table"]

_MAGIC = b"ARROW1"


def compact_json(value: Any, what: str) -> bytes:
    """Serialise metadata JSON like Go's `json.Marshal` (compact, no NaN)."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except ValueError as exc:
        raise FrameError(f"The {what} cannot be written as JSON: it holds NaN or an infinity.") from exc
    except TypeError as exc:
        raise FrameError(f"The {what} cannot be written as JSON: `{exc}`.") from exc


def schema_of(frame: Frame, ref_id: str | None = None) -> Any:
    """Return the Arrow schema of `frame`; an empty frame ref_id is replaced by `ref_id`."""
    name, frame_ref, meta, items = _schema_key(frame, ref_id)
    fields = []
    for field_name, ftype, nullable, labels, config in items:
        metadata = {b"tstype": ftype.tstype.encode()}
        if labels is not None:
            metadata[b"labels"] = compact_json(dict(labels), f"labels of field `{field_name}`")
        if config is not None:
            metadata[b"config"] = config
        fields.append(pa.field(field_name, ARROW_TYPES[ftype], nullable=nullable, metadata=metadata))
    metadata = {b"name": name.encode(), b"refId": frame_ref.encode()}
    if meta is not None:
        metadata[b"meta"] = meta
    return pa.schema(fields, metadata=dict(sorted(metadata.items())))


def to_table(frame: Frame, ref_id: str | None = None) -> Any:
    """Return a `pyarrow.Table` with Grafana's schema (one chunk per column)."""
    frame.check()
    schema = schema_of(frame, ref_id)
    return pa.Table.from_arrays([f.to_arrow() for f in frame.fields], schema=schema)


def _schema_key(frame: Frame, ref_id: str | None) -> tuple[Any, ...]:
    """Everything the Arrow schema holds, as a hashable key (config and meta already as their JSON)."""
    fields = tuple(
        (
            f.name,
            f.type,
            f.nullable,
            None if f.labels is None else tuple(sorted(f.labels.items())),
            None if f.config is None else compact_json(f.config.to_dict(), f"config of field `{f.name}`"),
        )
        for f in frame.fields
    )
    meta = None if frame.meta is None else compact_json(frame.meta.to_dict(), f"meta of frame `{frame.name}`")
    return (frame.name, frame.ref_id or ref_id or "", meta, fields)


def encode_arrow(frame: Frame, ref_id: str | None = None) -> bytes:
    """Encode `frame` as one Arrow IPC file: one record batch, none for a zero-row frame.

    Frames of a shape already encoded twice reuse pyarrow's bytes around their own columns (`_ipc_template`).
    """
    frame.check()
    return _TEMPLATES.encode(frame, ref_id)


def _encode_with_pyarrow(frame: Frame, ref_id: str | None) -> bytes:
    schema = schema_of(frame, ref_id)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, schema) as writer:
        if frame.rows:
            writer.write_batch(
                pa.RecordBatch.from_arrays([f.to_arrow() for f in frame.fields], schema=schema)
            )
    return bytes(sink.getvalue().to_pybytes())


_TEMPLATES = TemplateEncoder(_encode_with_pyarrow, _schema_key)


def decode_arrow(data: bytes | memoryview) -> Frame:
    """Decode one Arrow IPC file as Grafana's reader does; raise FrameError for what it would reject."""
    buffer = pa.py_buffer(data)
    if bytes(buffer[:6]) != _MAGIC:
        kind = "an Arrow IPC stream" if bytes(buffer[:4]) == b"\xff\xff\xff\xff" else "not Arrow data"
        raise FrameError(
            f"The frame bytes are {kind}; Grafana needs an Arrow IPC file (starting with `ARROW1`)."
        )
    try:
        table = pa.ipc.open_file(buffer).read_all()
    except (pa.ArrowInvalid, OSError) as exc:
        raise FrameError(f"The frame bytes are not a readable Arrow IPC file: `{exc}`.") from exc
    return _frame_from_table(table, None, None, strict=True)


def from_table(table: Any, name: str | None, ref_id: str | None) -> Frame:
    """Build a frame from a pyarrow Table or RecordBatch, converting types Grafana cannot read."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if not isinstance(table, pa.Table):
        raise FrameError(
            f"`Frame.from_arrow` needs a pyarrow Table or RecordBatch, not `{type(table).__name__}`."
        )
    return _frame_from_table(table, name, ref_id, strict=False)


def _frame_from_table(table: Any, name: str | None, ref_id: str | None, *, strict: bool) -> Frame:
    from gpctl.sdk.data._frame import Frame

    schema_meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    meta = None
    if "meta" in schema_meta:
        meta = FrameMeta.from_dict(_load(schema_meta["meta"], "frame meta"))
    fields = [_field(table.schema.field(i), table.column(i), strict) for i in range(table.num_columns)]
    frame_name = schema_meta.get("name", "") if name is None else name
    frame_ref = ref_id if ref_id is not None else (schema_meta.get("refId") or None)
    return Frame(frame_name, *fields, ref_id=frame_ref, meta=meta)


def _field(arrow_field: Any, column: Any, strict: bool) -> Field:
    name = arrow_field.name
    metadata = {k.decode(): v.decode() for k, v in (arrow_field.metadata or {}).items()}
    labels = _load(metadata["labels"], f"labels of field `{name}`") if "labels" in metadata else None
    config = None
    if "config" in metadata:
        config = FieldConfig.from_dict(_load(metadata["config"], f"config of field `{name}`"))
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not strict:
        ftype = FieldType.ENUM if metadata.get("tstype") == "enum" else None
        converted = convert(name, array, ftype, arrow_field.nullable or None)
        return Field._from_arrow(name, converted.array, converted.type, converted.nullable, labels, config)
    t = array.type
    if str(t) == "string_view":
        array = array.cast(pa.string())
    elif pa.types.is_timestamp(t):
        array = array.cast(pa.timestamp("ns", tz=t.tz), safe=False).view(pa.timestamp("ns"))
    ftype = field_type_of(array.type)
    if ftype is None:
        raise FrameError(f"Field `{name}` has Arrow type `{t}`, which Grafana's reader rejects.")
    if ftype is FieldType.UINT16 and metadata.get("tstype") == "enum":
        ftype = FieldType.ENUM
    if not arrow_field.nullable and array.null_count:
        # Go reads a non-nullable field's raw slots and ignores its validity bitmap.
        array = pa.Array.from_buffers(
            array.type, len(array), [None, *array.buffers()[1:]], offset=array.offset
        )
    return Field._from_arrow(name, array, ftype, bool(arrow_field.nullable), labels, config)


def _load(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FrameError(f"The {what} in the Arrow metadata is not valid JSON: `{exc}`.") from exc
