"""Whole frames from and to pandas, polars and row records (pandas and polars are imported only when given)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field
from gpctl.sdk.data._meta import FrameMeta
from gpctl.sdk.data._types import FieldType

if TYPE_CHECKING:
    from gpctl.sdk.data._frame import Frame

__all__ = ["from_pandas", "from_polars", "from_records", "to_pandas"]

Categoricals = Literal["string", "enum"]


def from_pandas(
    df: Any,
    name: str,
    *,
    index: bool | None = None,
    categoricals: Categoricals = "string",
    ref_id: str | None = None,
    meta: FrameMeta | None = None,
) -> Frame:
    """Build a frame from a pandas DataFrame (see `Frame.from_pandas`)."""
    from gpctl.sdk.data._frame import Frame

    if not hasattr(df, "iloc") or not hasattr(df, "columns"):
        raise FrameError(f"`Frame.from_pandas` needs a pandas DataFrame, not `{type(df).__name__}`.")
    fields: list[Field] = []
    idx = df.index
    if index is True or (index is None and not _is_default_range(idx)):
        for level in range(idx.nlevels):
            values = idx.get_level_values(level)
            label = (
                values.name
                if values.name is not None
                else ("index" if idx.nlevels == 1 else f"index_{level}")
            )
            fields.append(_column(str(label), values, categoricals))
    for i, column in enumerate(df.columns):
        fields.append(_column(str(column), df.iloc[:, i], categoricals))
    return Frame(name, *fields, ref_id=ref_id, meta=meta)


def _is_default_range(idx: Any) -> bool:
    if type(idx).__name__ != "RangeIndex" or idx.name is not None:
        return False
    return bool(idx.start == 0 and idx.step == 1)


def _column(name: str, values: Any, categoricals: Categoricals) -> Field:
    dtype = getattr(values, "dtype", None)
    categorical = type(dtype).__name__ in ("CategoricalDtype", "Categorical", "Enum")
    return Field(name, values, type=FieldType.ENUM if categorical and categoricals == "enum" else None)


def from_polars(
    df: Any,
    name: str,
    *,
    categoricals: Categoricals = "string",
    ref_id: str | None = None,
    meta: FrameMeta | None = None,
) -> Frame:
    """Build a frame from a polars DataFrame (see `Frame.from_polars`)."""
    from gpctl.sdk.data._frame import Frame

    if not hasattr(df, "to_series") or not hasattr(df, "columns"):
        raise FrameError(f"`Frame.from_polars` needs a polars DataFrame, not `{type(df).__name__}`.")
    fields = [_column(str(df.columns[i]), df.to_series(i), categoricals) for i in range(df.width)]
    return Frame(name, *fields, ref_id=ref_id, meta=meta)


def from_records(
    records: Iterable[Mapping[str, Any] | Sequence[Any]],
    name: str,
    *,
    columns: Sequence[str] | None = None,
    types: Mapping[str, str | FieldType] | None = None,
    ref_id: str | None = None,
    meta: FrameMeta | None = None,
) -> Frame:
    """Build a frame from rows (see `Frame.from_records`); missing keys become nulls."""
    from gpctl.sdk.data._frame import Frame

    rows = list(records)
    types = types or {}
    if columns is None:
        names: dict[str, None] = {}
        for row in rows:
            if not isinstance(row, Mapping):
                raise FrameError("Records that are not mappings need `columns=` to name their fields.")
            names.update(dict.fromkeys(row))
        keys = list(names)
        data = [[row.get(key) for row in rows] for key in keys]  # type: ignore[union-attr]
    else:
        keys = list(columns)
        data = [[] for _ in keys]
        for number, row in enumerate(rows):
            cells = [row.get(k) for k in keys] if isinstance(row, Mapping) else list(row)
            if len(cells) != len(keys):
                raise FrameError(
                    f"Record {number} has {len(cells)} values but there are {len(keys)} columns."
                )
            for column, cell in zip(data, cells, strict=True):
                column.append(cell)
    unknown = sorted(set(types) - set(keys))
    if unknown:
        raise FrameError(f"`types` names `{unknown[0]}`, which is not a column of the records.")
    fields = [Field(key, column, type=types.get(key)) for key, column in zip(keys, data, strict=True)]
    return Frame(name, *fields, ref_id=ref_id, meta=meta)


def to_pandas(frame: Frame) -> Any:
    """Return a pandas DataFrame for `frame` (see `Frame.to_pandas`)."""
    import pandas as pd
    import pyarrow as pa

    nullable_types = {
        pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
    }  # fmt: skip
    columns: dict[int, Any] = {}
    for i, item in enumerate(frame.fields):
        array = item.to_arrow()
        if item.type is FieldType.TIME:
            series = pd.Series(item.to_numpy()).dt.tz_localize("UTC")
        elif item.type is FieldType.ENUM and item.config is not None and item.config.enum is not None:
            codes = array.fill_null(0).to_numpy(zero_copy_only=False).astype("int64")
            if array.null_count:
                codes[array.is_null().to_numpy(zero_copy_only=False)] = -1
            categories = list(item.config.enum.text)
            codes[codes >= len(categories)] = -1
            series = pd.Series(
                pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
            )
        elif item.type is FieldType.JSON:
            series = pd.Series(item.to_pylist(), dtype=object)
        elif item.nullable and array.type in nullable_types:
            series = pd.Series(array.to_pandas(types_mapper=nullable_types.get))
        elif item.type is FieldType.STRING:
            series = pd.Series(array.to_pylist(), dtype=object)
        else:
            series = pd.Series(array.to_numpy(zero_copy_only=False))
        columns[i] = series
    df = pd.DataFrame(columns) if columns else pd.DataFrame()
    df.columns = [f.name for f in frame.fields]
    return df
