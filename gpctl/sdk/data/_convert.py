"""Turn user values (lists, numpy, pyarrow, pandas, polars) into one Arrow array of a Grafana field type.

Imported lazily by `Field`. numpy is optional: it is imported only for numpy and pandas values (which cannot exist
without it), so lists and pyarrow arrays convert in a process where numpy is not installed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._pandas_probe import settle
from gpctl.sdk.data._types import FieldType

__all__ = ["ARROW_TYPES", "Converted", "convert", "field_type_of"]

ARROW_TYPES: dict[FieldType, Any] = {
    FieldType.INT8: pa.int8(),
    FieldType.INT16: pa.int16(),
    FieldType.INT32: pa.int32(),
    FieldType.INT64: pa.int64(),
    FieldType.UINT8: pa.uint8(),
    FieldType.UINT16: pa.uint16(),
    FieldType.UINT32: pa.uint32(),
    FieldType.UINT64: pa.uint64(),
    FieldType.FLOAT32: pa.float32(),
    FieldType.FLOAT64: pa.float64(),
    FieldType.STRING: pa.string(),
    FieldType.BOOL: pa.bool_(),
    FieldType.TIME: pa.timestamp("ns"),
    FieldType.JSON: pa.binary(),
    FieldType.ENUM: pa.uint16(),
}
_BY_ARROW = {str(t): f for f, t in ARROW_TYPES.items() if f is not FieldType.ENUM}
_NS = pa.timestamp("ns")


@dataclass
class Converted:
    """An Arrow array of exactly `ARROW_TYPES[type]`, its nullable flag and, for enums, the labels found."""

    array: Any
    type: FieldType
    nullable: bool
    enum_text: list[str] | None = None


def field_type_of(arrow_type: Any) -> FieldType | None:
    """Return the field type stored as `arrow_type` (uint16 reads as a number), or None."""
    return _BY_ARROW.get(str(arrow_type))


def convert(name: str, values: Any, ftype: FieldType | None, nullable: bool | None) -> Converted:
    """Convert `values` for field `name`; raise FrameError naming the field and the reason."""
    settle()
    declared = False
    enum_text: list[str] | None = None
    module = type(values).__module__.split(".")[0]
    np = sys.modules.get("numpy")  # a numpy array can only exist once numpy is imported
    if isinstance(values, pa.ChunkedArray):
        array = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif isinstance(values, pa.Array):
        array = values
    elif isinstance(values, (pa.Table, pa.RecordBatch)):
        raise FrameError(
            f"Field `{name}` got a pyarrow table; use `Frame.from_arrow(table)` or pass one column."
        )
    elif np is not None and isinstance(values, np.ndarray):
        array, declared = _from_numpy(name, values, ftype)
    elif module == "pandas":
        array, declared = _from_pandas(name, values, ftype)
    elif module == "polars":
        array = _from_polars(name, values)
    elif isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise FrameError(f"Field `{name}` needs a sequence of values, not `{type(values).__name__}`.")
    else:
        array = _from_python(name, values if isinstance(values, (list, tuple)) else list(values), ftype)
    if pa.types.is_dictionary(array.type):
        if ftype is FieldType.ENUM:
            enum_text = [str(v) for v in array.dictionary.to_pylist()]
            array = array.indices
        else:
            array = array.dictionary_decode()
    if ftype is FieldType.ENUM and enum_text is None and _is_text(array.type):
        array, enum_text = _strings_to_enum(array)
    array, ftype = _normalise(name, array, ftype)
    nulls = array.null_count
    if nullable is None:
        nullable = declared or nulls > 0
    elif not nullable and nulls:
        raise FrameError(
            f"Field `{name}` holds {nulls} null value(s) but was declared with `nullable=False`."
        )
    return Converted(array, ftype, nullable, enum_text)


def _from_numpy(name: str, values: Any, ftype: FieldType | None = None) -> tuple[Any, bool]:
    import numpy as np

    masked = isinstance(values, np.ma.MaskedArray)
    mask = np.ma.getmaskarray(values) if masked else None
    data = np.ma.getdata(values) if masked else values
    if data.ndim != 1:
        raise FrameError(
            f"Field `{name}` needs one-dimensional values, not an array of shape `{data.shape}`."
        )
    kind = data.dtype.kind
    if kind == "M":
        unit = np.datetime_data(data.dtype)[0]
        if unit != "ns":
            data = _datetime64_to_ns(name, data, unit)
    elif kind == "f" and data.dtype.itemsize == 2:
        data = data.astype(np.float32)
    elif kind == "m":
        raise FrameError(
            f"Field `{name}` holds durations (`{data.dtype}`), which a frame cannot carry; convert them to numbers first."
        )
    elif kind == "O":
        return _from_python(
            name, data.tolist() if mask is None else np.ma.masked_array(data, mask).tolist(), ftype
        ), masked
    elif kind not in "biufUS":
        raise FrameError(f"Field `{name}` has numpy dtype `{data.dtype}`, which a frame cannot carry.")
    if not data.flags.c_contiguous:
        data = np.ascontiguousarray(data)
    try:
        array = pa.array(data, mask=mask)
        return (array.cast(pa.string()) if kind == "S" else array), masked
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise FrameError(f"Field `{name}` could not be converted: {_reason(exc)}.") from exc


def _datetime64_to_ns(name: str, data: Any, unit: str) -> Any:
    import numpy as np

    factor = _NS_PER_UNIT.get(unit)
    if factor is None:  # calendar units and units finer than ns: let numpy convert
        return data.astype("datetime64[ns]")
    nat = np.isnat(data)
    raw = data.view(np.int64)
    limit = np.iinfo(np.int64).max // factor
    finite = raw[~nat]
    if finite.size and (finite.max() > limit or finite.min() < -limit):
        raise FrameError(
            f"Field `{name}` holds times outside the nanosecond range (years 1678 to 2262) that frames can carry."
        )
    out = (raw * factor).view("datetime64[ns]")
    out[nat] = np.datetime64("NaT")
    return out


_NS_PER_UNIT = {
    "W": 604_800 * 10**9,
    "D": 86_400 * 10**9,
    "h": 3_600 * 10**9,
    "m": 60 * 10**9,
    "s": 10**9,
    "ms": 10**6,
    "us": 10**3,
}


def _from_pandas(name: str, values: Any, ftype: FieldType | None) -> tuple[Any, bool]:
    import numpy as np  # pandas requires it

    series = values
    if hasattr(values, "columns"):
        raise FrameError(f"Field `{name}` got a DataFrame; use `Frame.from_pandas(df)` or pass one column.")
    dtype = series.dtype
    kind = getattr(dtype, "kind", "O")
    if isinstance(dtype, np.dtype) and kind in "biufM":
        return _from_numpy(name, series.to_numpy(copy=False), ftype)
    source = series
    if kind == "O":  # JSON values (dicts, lists) go through the Python path, NaN/None as null
        missing = np.asarray(series.isna())
        cells = [None if gone else v for v, gone in zip(series.tolist(), missing.tolist(), strict=True)]
        first = next((v for v in cells if v is not None), None)
        if ftype is FieldType.JSON or isinstance(first, (dict, list)):
            return _from_python(name, cells, FieldType.JSON), False
        if isinstance(dtype, np.dtype):  # object column: pandas' NA and NaT already None (see _pandas_probe)
            source = cells
    declared = type(dtype).__name__ in _PANDAS_MASKED
    try:
        return pa.array(source, from_pandas=True), declared
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
        raise FrameError(f"Field `{name}` could not be converted from pandas: {_reason(exc)}.") from exc


_PANDAS_MASKED = {
    "Int8Dtype", "Int16Dtype", "Int32Dtype", "Int64Dtype", "UInt8Dtype", "UInt16Dtype", "UInt32Dtype",
    "UInt64Dtype", "Float32Dtype", "Float64Dtype", "BooleanDtype",
}  # fmt: skip


def _from_polars(name: str, values: Any) -> Any:
    if hasattr(values, "columns"):
        raise FrameError(f"Field `{name}` got a DataFrame; use `Frame.from_polars(df)` or pass one column.")
    try:
        return values.to_arrow()
    except Exception as exc:
        raise FrameError(f"Field `{name}` could not be converted from polars: {_reason(exc)}.") from exc


def _from_python(name: str, values: Any, ftype: FieldType | None) -> Any:
    if ftype is FieldType.JSON:
        return _json_array(name, values)
    if ftype is FieldType.ENUM:
        first = next((v for v in values if v is not None), None)
        if isinstance(first, str):
            return pa.array(values, type=pa.string())
        return _pa_array(name, values, pa.uint16())
    if ftype is not None and ftype.is_numeric and not ftype.value.startswith("float"):
        try:  # infer first so that a cast to an integer type checks for lost fractions and overflow
            inferred = pa.array(values)
        except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            return _pa_array(name, values, ARROW_TYPES[ftype])
        return inferred if pa.types.is_null(inferred.type) else _cast(name, inferred, ARROW_TYPES[ftype])
    if ftype is not None:
        return _pa_array(name, values, ARROW_TYPES[ftype])
    first = next((v for v in values if v is not None), None)
    if isinstance(first, (dict, list)):
        return _json_array(name, values)
    return _pa_array(name, values, None)


def _json_array(name: str, values: Any) -> Any:
    return pa.array([None if v is None else _json_bytes(name, v) for v in values], type=pa.binary())


def _pa_array(name: str, values: Any, arrow_type: Any) -> Any:
    try:
        return pa.array(values, type=arrow_type)
    except OverflowError as exc:
        raise FrameError(
            f'Field `{name}` holds an integer out of the int64 range; pass `type="uint64"` or use floats.'
        ) from exc
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise FrameError(f"Field `{name}` could not be converted: {_reason(exc)}.") from exc


def _json_bytes(name: str, value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            json.loads(bytes(value))
        except ValueError as exc:
            raise FrameError(f"Field `{name}` holds bytes that are not valid JSON: {_reason(exc)}.") from exc
        return bytes(value)
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise FrameError(f"Field `{name}` holds a value that is not JSON: {_reason(exc)}.") from exc


def _is_text(arrow_type: Any) -> bool:
    return bool(
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or _is_view(arrow_type, "string")
    )


def _is_view(arrow_type: Any, kind: str) -> bool:
    return str(arrow_type) == f"{kind}_view"


def _strings_to_enum(array: Any) -> tuple[Any, list[str]]:
    encoded = array.cast(pa.string()).dictionary_encode()
    return encoded.indices, [str(v) for v in encoded.dictionary.to_pylist()]


def _normalise(name: str, array: Any, ftype: FieldType | None) -> tuple[Any, FieldType]:
    t = array.type
    if pa.types.is_null(t):
        target = ftype or FieldType.FLOAT64
        return pa.nulls(len(array), ARROW_TYPES[target]), target
    if _is_text(t) and not pa.types.is_string(t):
        array, t = array.cast(pa.string()), pa.string()
    elif pa.types.is_large_binary(t) or _is_view(t, "binary") or pa.types.is_fixed_size_binary(t):
        array, t = array.cast(pa.binary()), pa.binary()
    elif pa.types.is_timestamp(t):
        array, t = _timestamp_to_ns(name, array), _NS
    elif pa.types.is_date(t):
        array, t = array.cast(_NS), _NS
    elif pa.types.is_decimal(t):
        array, t = array.cast(pa.float64()), pa.float64()
    elif pa.types.is_float16(t):
        array, t = array.cast(pa.float32()), pa.float32()
    found = field_type_of(t)
    if found is None:
        raise FrameError(f"Field `{name}` has Arrow type `{t}`, which Grafana cannot read; {_hint(t)}.")
    if ftype is None or ftype is found:
        return array, found
    if ftype is FieldType.TIME and pa.types.is_integer(t):
        return _cast(name, array, pa.int64()).view(_NS), ftype
    if found in (FieldType.TIME, FieldType.JSON) or ftype is FieldType.JSON:
        raise FrameError(f"Field `{name}` holds `{found.value}` values, which cannot become `{ftype.value}`.")
    return _cast(name, array, ARROW_TYPES[ftype]), ftype


def _timestamp_to_ns(name: str, array: Any) -> Any:
    t = array.type
    if t.unit != "ns":
        array = _cast(name, array, pa.timestamp("ns", tz=t.tz))
    return array.view(_NS) if t.tz is not None else array


def _cast(name: str, array: Any, target: Any) -> Any:
    try:
        return array.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise FrameError(f"Field `{name}` cannot be stored as `{target}`: {_reason(exc)}.") from exc


def _hint(t: Any) -> str:
    if pa.types.is_time(t) or pa.types.is_duration(t):
        return "convert times of day and durations to numbers or strings first"
    if pa.types.is_nested(t):
        return 'store nested values as JSON with `type="json"`'
    return "convert it to numbers, strings, booleans or times first"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".").splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"`{text}`"
