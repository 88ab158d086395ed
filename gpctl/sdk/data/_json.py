"""Grafana frame JSON (`schema` + `data` with `entities` and `nanos`), as `data/frame_json.go` (frames.md §6)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from gpctl.sdk.data._config import FieldConfig
from gpctl.sdk.data._convert import ARROW_TYPES
from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field
from gpctl.sdk.data._meta import FrameMeta
from gpctl.sdk.data._pandas_probe import settle
from gpctl.sdk.data._types import FieldType

if TYPE_CHECKING:
    from gpctl.sdk.data._frame import Frame

__all__ = ["decode_json", "encode_json", "frame_document"]

_INCLUDES = ("all", "data", "schema")


def encode_json(frame: Frame, include: str = "all", ref_id: str | None = None) -> bytes:
    """Serialise the frame JSON document (NaN never leaks into the text)."""
    document = frame_document(frame, include, ref_id)
    try:
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise FrameError(
            f"Frame `{frame.name}` cannot be written as JSON: its meta or a field config holds NaN or an infinity."
        ) from exc
    except TypeError as exc:
        raise FrameError(f"Frame `{frame.name}` cannot be written as JSON: `{exc}`.") from exc
    return text.encode()


def frame_document(frame: Frame, include: str = "all", ref_id: str | None = None) -> dict[str, Any]:
    """Return `{"schema": …, "data": …}` (or one of them) for `include` = `all`, `data` or `schema`."""
    if include not in _INCLUDES:
        raise ValueError(f"Unknown include mode `{include}`; use `all`, `data` or `schema`.")
    frame.check()
    out: dict[str, Any] = {}
    if include != "data":
        out["schema"] = _schema(frame, ref_id)
    if include != "schema":
        out["data"] = _data(frame)
    return out


def _schema(frame: Frame, ref_id: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if frame.name:
        schema["name"] = frame.name
    if frame.ref_id or ref_id:
        schema["refId"] = frame.ref_id or ref_id
    if frame.meta is not None:
        schema["meta"] = frame.meta.to_dict()
    fields = []
    for item in frame.fields:
        entry: dict[str, Any] = {}
        if item.name:
            entry["name"] = item.name
        entry["type"] = item.type.tstype
        entry["typeInfo"] = {"frame": item.type.value, **({"nullable": True} if item.nullable else {})}
        if item.labels is not None:
            entry["labels"] = dict(sorted(item.labels.items()))
        if item.config is not None:
            entry["config"] = item.config.to_dict()
        fields.append(entry)
    schema["fields"] = fields
    return schema


def _data(frame: Frame) -> dict[str, Any]:
    values: list[list[Any]] = []
    entities: list[dict[str, list[int]] | None] = []
    nanos: list[list[int] | None] = []
    for item in frame.fields:
        column, entity, nano = _encode_values(item)
        values.append(column)
        entities.append(entity)
        nanos.append(nano)
    data: dict[str, Any] = {"values": values}
    if any(e is not None for e in entities):
        data["entities"] = entities
    if any(n is not None for n in nanos):
        data["nanos"] = nanos
    return data


def _encode_values(item: Field) -> tuple[list[Any], dict[str, list[int]] | None, list[int] | None]:
    array = item.to_arrow()
    ftype = item.type
    if ftype in (FieldType.FLOAT32, FieldType.FLOAT64):
        # float32 values print as their shortest float32 text (0.1, not 0.10000000149011612), as Go does;
        # nulls are already None in the list
        column: list[Any] = (
            [None if v is None else float(v) for v in array.cast(pa.string()).to_pylist()]
            if ftype is FieldType.FLOAT32
            else array.to_pylist()
        )
        if pc.all(pc.is_finite(array)).as_py() is not False:  # no NaN or infinity: no entities to find
            return column, None, None
        entity: dict[str, list[int]] = {}
        special = (
            ("NaN", pc.is_nan(array)),
            ("Inf", pc.equal(array, math.inf)),
            ("NegInf", pc.equal(array, -math.inf)),
        )
        for key, hits in special:
            rows = _rows(hits)
            if rows:
                entity[key] = rows
                for row in rows:
                    column[row] = None
        return column, entity, None
    if ftype is FieldType.TIME:
        ns = array.cast(pa.int64()).fill_null(0)
        ms = pc.divide(ns, 1_000_000)  # integer division truncates; times before 1970 need the floor
        rest = pc.subtract(ns, pc.multiply(ms, 1_000_000))
        below = pc.less(rest, 0)
        ms = pc.if_else(below, pc.subtract(ms, 1), ms)
        rest = pc.if_else(below, pc.add(rest, 1_000_000), rest)
        column = ms.to_pylist()
        if array.null_count:
            for row in _rows(array.is_null()):
                column[row] = None
        has_nanos = bool(pc.any(pc.not_equal(rest, 0)).as_py())  # nulls were filled with 0
        return column, None, rest.to_pylist() if has_nanos else None
    if ftype is FieldType.JSON:
        return [None if v is None else _raw_json(item.name, v) for v in array.to_pylist()], None, None
    return list(array.to_pylist()), None, None


def _rows(mask: Any) -> list[int]:
    """Positions of the true values of a boolean array (nulls count as false)."""
    return list(pc.indices_nonzero(mask).to_pylist())


def _raw_json(name: str, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise FrameError(f"Field `{name}` holds a value that is not valid JSON: `{exc}`.") from exc


# -- decoding ----------------------------------------------------------------------------------------------------


def decode_json(data: bytes | str | Mapping[str, Any], schema: Frame | None = None) -> Frame:
    """Decode a frame JSON document; a data-only document takes its schema from `schema`."""
    from gpctl.sdk.data._frame import Frame

    settle()
    if isinstance(data, Mapping):
        document: Any = data
    else:
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise FrameError(f"The frame JSON is not valid JSON: `{exc}`.") from exc
    if not isinstance(document, Mapping) or not ("schema" in document or "data" in document):
        raise FrameError("The frame JSON needs a `schema` or a `data` object.")
    if "schema" in document:
        name, ref_id, meta, specs = _read_schema(document["schema"])
    elif schema is not None:
        name, ref_id, meta = schema.name, schema.ref_id, schema.meta
        specs = [(f.name, f.type, f.nullable, f.labels, f.config) for f in schema.fields]
    else:
        raise FrameError("The frame JSON holds only `data`; pass the frame it belongs to as `schema=`.")
    body = document.get("data") or {}
    values = body.get("values") or [[] for _ in specs]
    if len(values) != len(specs):
        raise FrameError(
            f"The frame JSON has {len(specs)} fields in its schema but {len(values)} value arrays."
        )
    entities = body.get("entities") or [None] * len(specs)
    nanos = body.get("nanos") or [None] * len(specs)
    fields = [
        _decode_field(spec, column, entities[i], nanos[i])
        for i, (spec, column) in enumerate(zip(specs, values, strict=True))
    ]
    return Frame(name, *fields, ref_id=ref_id, meta=meta)


Spec = tuple[str, FieldType, bool, "dict[str, str] | None", "FieldConfig | None"]


def _read_schema(schema: Any) -> tuple[str, str | None, FrameMeta | None, list[Spec]]:
    if not isinstance(schema, Mapping):
        raise FrameError("The frame JSON `schema` must be an object.")
    meta = FrameMeta.from_dict(schema["meta"]) if schema.get("meta") is not None else None
    specs: list[Spec] = []
    for entry in schema.get("fields") or []:
        name = str(entry.get("name", ""))
        info = entry.get("typeInfo") or {}
        frame_type = str(info.get("frame") or _BY_TSTYPE.get(str(entry.get("type")), entry.get("type")) or "")
        try:
            ftype = FieldType.parse(frame_type)
        except ValueError as exc:
            raise FrameError(f"Field `{name}`: {exc}") from None
        nullable = bool(info.get("nullable")) or frame_type.startswith("*")
        config = FieldConfig.from_dict(entry["config"]) if entry.get("config") is not None else None
        specs.append((name, ftype, nullable, entry.get("labels"), config))
    return str(schema.get("name", "")), schema.get("refId") or None, meta, specs


_BY_TSTYPE = {"number": "float64", "boolean": "bool", "time": "time.Time", "other": "json.RawMessage"}


def _decode_field(spec: Spec, column: list[Any], entity: Any, nano: Any) -> Field:
    name, ftype, nullable, labels, config = spec
    if ftype is FieldType.TIME:
        ns = [
            None if v is None else int(v) * 1_000_000 + (int(nano[i]) if nano else 0)
            for i, v in enumerate(column)
        ]
        array = _array(name, ns, pa.int64()).view(pa.timestamp("ns"))
    elif ftype in (FieldType.FLOAT32, FieldType.FLOAT64):
        floats = [None if v is None else float(v) for v in column]
        for key, value in (("NaN", math.nan), ("Inf", math.inf), ("NegInf", -math.inf)):
            for row in (entity or {}).get(key) or []:
                floats[row] = value
        array = _array(name, floats, ARROW_TYPES[ftype])
    elif ftype is FieldType.JSON:
        array = pa.array(
            [
                None if v is None else json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()
                for v in column
            ],
            type=pa.binary(),
        )
    elif ftype.is_numeric or ftype is FieldType.ENUM:
        ints = [int(v) if isinstance(v, str) else v for v in column]
        array = _array(name, ints, ARROW_TYPES[ftype])
    else:
        array = _array(name, column, ARROW_TYPES[ftype])  # string or bool
    if array.null_count and not nullable:
        raise FrameError(f"Field `{name}` is not nullable but its JSON values hold `null`.")
    return Field._from_arrow(name, array, ftype, nullable, labels, config)


def _array(name: str, values: list[Any], arrow_type: Any) -> Any:
    try:
        return pa.array(values, type=arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
        raise FrameError(f"Field `{name}` has JSON values that do not fit its type: `{exc}`.") from exc
