"""Reshape time series between the long, wide and multi frame types (Grafana's dataplane contract)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field
from gpctl.sdk.data._frame import Frame
from gpctl.sdk.data._meta import FrameMeta, FrameType
from gpctl.sdk.data._types import FieldType

__all__ = ["long_to_wide", "multi_to_wide", "wide_to_long", "wide_to_multi"]

Fill = Literal["null", "previous"] | float


def long_to_wide(frame: Frame, *, fill: Fill = "null") -> Frame:
    """Turn a `timeseries-long` frame into a `timeseries-wide` one, like the Go SDK's `LongToWide`.

    The first time field is the index; string and bool fields become labels; each number field gives one wide field
    per label combination (sorted by name, then label values). Cells missing in the long frame are `null`, the
    series' previous value (`fill="previous"`), or a number (`fill=0.0`). Several rows for one time and series keep
    the last.

    Raises:
        FrameError: no time field, unsorted or null times, no rows, or a field that is neither number nor label.
    """
    ti, ns = _time_index(frame, "long_to_wide")
    factors = [f for f in frame.fields if f.type in (FieldType.STRING, FieldType.BOOL)]
    values = [f for i, f in enumerate(frame.fields) if i != ti and f.type.is_numeric]
    placed = {id(f) for f in factors} | {id(f) for f in values}
    for i, item in enumerate(frame.fields):
        if i != ti and id(item) not in placed:
            raise FrameError(
                f"Field `{item.name}` of frame `{frame.name}` holds `{item.type.value}` values; `long_to_wide` "
                "needs one time field, number fields and string or bool label fields."
            )
    times, row_of = np.unique(ns, return_inverse=True)
    columns = [[_label(v) for v in f.to_pylist()] for f in factors]
    series: dict[tuple[str, ...], int] = {}
    series_of = (
        np.fromiter(
            (series.setdefault(k, len(series)) for k in zip(*columns, strict=True)), np.int64, frame.rows
        )
        if columns
        else np.zeros(frame.rows, np.int64)
    )
    if not columns:
        series[()] = 0
    names = [f.name for f in factors]
    out: list[tuple[tuple[str, tuple[str, ...]], Field]] = []
    for value in values:
        data = value.to_arrow().fill_null(0).to_numpy(zero_copy_only=False)
        nulls = value.to_arrow().is_null().to_numpy(zero_copy_only=False)
        grid = np.zeros((len(series), len(times)), dtype=data.dtype)
        null_grid = np.zeros(grid.shape, dtype=bool)
        present = np.zeros(grid.shape, dtype=bool)
        grid[series_of, row_of] = data
        null_grid[series_of, row_of] = nulls
        present[series_of, row_of] = True
        grid, mask, nullable = _fill(grid, null_grid, present, fill, value)
        for key, sid in series.items():
            labels = dict(zip(names, key, strict=True))
            column = np.ma.masked_array(grid[sid], mask=mask[sid])
            wide = Field(value.name, column, labels, value.config, type=value.type, nullable=nullable)
            out.append(((value.name, key), wide))
    out.sort(key=lambda pair: pair[0])
    time_field = Field(frame.fields[ti].name, times.view("datetime64[ns]"), config=frame.fields[ti].config)
    return Frame(
        frame.name,
        time_field,
        *(f for _, f in out),
        ref_id=frame.ref_id,
        meta=_meta(frame, FrameType.TIMESERIES_WIDE),
    )


def _fill(grid: Any, nulls: Any, present: Any, fill: Fill, value: Field) -> tuple[Any, Any, bool]:
    if fill == "null":
        return grid, nulls | ~present, True
    if fill == "previous":
        positions = np.where(present, np.arange(grid.shape[1]), -1)
        np.maximum.accumulate(positions, axis=1, out=positions)
        rows = np.arange(grid.shape[0])[:, None]
        taken = np.maximum(positions, 0)
        return grid[rows, taken], nulls[rows, taken] | (positions < 0), True
    if isinstance(fill, (int, float)) and not isinstance(fill, bool):
        grid[~present] = fill
        return grid, nulls & present, value.nullable
    raise ValueError(f'Unknown fill `{fill!r}`; use `"null"`, `"previous"` or a number.')


def wide_to_long(frame: Frame) -> Frame:
    """Turn a `timeseries-wide` frame into a `timeseries-long` one, like the Go SDK's `WideToLong`.

    One row per time and label set (label sets sorted); number fields of the same name share a column (sorted by
    name), label keys become string fields (sorted; a missing key reads `""`). Values missing for a label set are
    `null`.

    Raises:
        FrameError: no time field, unsorted or null times, no rows, or two number fields share a name but not a type.
    """
    ti, ns = _time_index(frame, "wide_to_long")
    values = [f for i, f in enumerate(frame.fields) if i != ti and f.type.is_numeric]
    types: dict[str, Field] = {}
    for item in values:
        first = types.setdefault(item.name, item)
        if first.type is not item.type:
            raise FrameError(
                f"Fields named `{item.name}` have different types (`{first.type.value}` and `{item.type.value}`); "
                "`wide_to_long` needs one type per name."
            )
    keys = sorted({k for f in values for k in (f.labels or {})})
    sets = sorted({tuple((f.labels or {}).get(k, "") for k in keys) for f in values})
    set_index = {s: i for i, s in enumerate(sets)}
    n = frame.rows * len(sets)
    fields = [
        Field(
            frame.fields[ti].name,
            np.repeat(ns, len(sets)).view("datetime64[ns]"),
            config=frame.fields[ti].config,
        )
    ]
    for name in sorted(types):
        template = types[name]
        data: list[Any] = [None] * n
        for item in (f for f in values if f.name == name):
            offset = set_index[tuple((item.labels or {}).get(k, "") for k in keys)]
            data[offset :: len(sets)] = item.to_pylist()
        fields.append(
            Field(
                name,
                data,
                config=template.config,
                type=template.type,
                nullable=None if not template.nullable else True,
            )
        )
    for position, key in enumerate(keys):
        fields.append(Field(key, [s[position] for s in sets] * frame.rows, type=FieldType.STRING))
    return Frame(frame.name, *fields, ref_id=frame.ref_id, meta=_meta(frame, FrameType.TIMESERIES_LONG))


def wide_to_multi(frame: Frame) -> list[Frame]:
    """Split a wide frame into `timeseries-multi` frames: one per value field, each with the time field."""
    ti, _ = _time_index(frame, "wide_to_multi")
    meta = _meta(frame, FrameType.TIMESERIES_MULTI)
    return [
        Frame(frame.name, frame.fields[ti], item, ref_id=frame.ref_id, meta=dataclasses.replace(meta))
        for i, item in enumerate(frame.fields)
        if i != ti
    ]


def multi_to_wide(frames: Sequence[Frame], name: str | None = None) -> Frame:
    """Join `timeseries-multi` frames on time into one wide frame; times missing from a series are `null`."""
    if not frames:
        raise FrameError("`multi_to_wide` needs at least one frame.")
    indexed = [(_time_index(f, "multi_to_wide"), f) for f in frames]
    times = np.unique(np.concatenate([ns for (_, ns), _ in indexed]))
    out: list[Field] = []
    for (ti, ns), frame in indexed:
        positions = np.searchsorted(times, ns)
        for i, item in enumerate(frame.fields):
            if i == ti:
                continue
            data = item.to_arrow().fill_null(0).to_numpy(zero_copy_only=False)
            grid = np.zeros(len(times), dtype=data.dtype)
            mask = np.ones(len(times), dtype=bool)
            grid[positions] = data
            mask[positions] = item.to_arrow().is_null().to_numpy(zero_copy_only=False)
            full = bool(len(ns) == len(times)) and not item.nullable
            out.append(
                Field(
                    item.name,
                    np.ma.masked_array(grid, mask),
                    item.labels,
                    item.config,
                    type=item.type,
                    nullable=None if full else True,
                )
            )
    first = frames[0]
    time_field = Field(first.fields[indexed[0][0][0]].name, times.view("datetime64[ns]"))
    return Frame(
        first.name if name is None else name,
        time_field,
        *out,
        ref_id=first.ref_id,
        meta=_meta(first, FrameType.TIMESERIES_WIDE),
    )


def _time_index(frame: Frame, what: str) -> tuple[int, Any]:
    index = next((i for i, f in enumerate(frame.fields) if f.type is FieldType.TIME), None)
    if index is None:
        raise FrameError(
            f"Frame `{frame.name}` has no time field, so `{what}` cannot use it as a time series."
        )
    item = frame.fields[index]
    if item.to_arrow().null_count:
        raise FrameError(
            f"Time field `{item.name}` of frame `{frame.name}` holds nulls; `{what}` needs every time."
        )
    if frame.rows == 0 and what != "multi_to_wide":
        raise FrameError(f"Frame `{frame.name}` has no rows; `{what}` needs at least one.")
    ns = item.to_numpy().view(np.int64)
    if len(ns) > 1 and bool(np.any(ns[1:] < ns[:-1])):
        raise FrameError(
            f"Frame `{frame.name}` is not sorted by `{item.name}`; sort it by time, oldest first."
        )
    return index, ns


def _label(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _meta(frame: Frame, kind: FrameType) -> FrameMeta:
    return dataclasses.replace(frame.meta or FrameMeta(), type=kind, type_version=(0, 1))
