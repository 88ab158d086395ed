"""long ↔ wide ↔ multi reshaping of time series."""

from __future__ import annotations

import numpy as np
import pytest

from gpctl.sdk.data import (
    Field,
    Frame,
    FrameError,
    FrameMeta,
    FrameType,
    long_to_wide,
    multi_to_wide,
    wide_to_long,
    wide_to_multi,
)


def long_frame() -> Frame:
    return Frame(
        "cpu",
        Field("time", np.array([0, 0, 1, 1, 2], "datetime64[s]")),
        Field("host", ["b", "a", "a", "b", "b"]),
        Field("cpu", [2.0, 1.0, 3.0, 4.0, 5.0]),
        Field("up", [True, True, False, True, True]),
        Field("mem", np.array([20, 10, 30, 40, 50], np.int32)),
        meta=FrameMeta(executed_query_string="q"),
    )


def summary(frame: Frame) -> list[tuple[str, dict[str, str] | None, bool, list[object]]]:
    return [(f.name, f.labels, f.nullable, f.values) for f in frame.fields[1:]]


def test_long_to_wide_nulls_missing_cells_and_sorts_fields() -> None:
    wide = long_to_wide(long_frame())
    assert (
        wide.meta is not None
        and wide.meta.type is FrameType.TIMESERIES_WIDE
        and wide.meta.type_version == (0, 1)
    )
    assert wide.meta.executed_query_string == "q"
    assert wide.field(0).to_numpy().view("int64").tolist() == [0, 10**9, 2 * 10**9]
    assert summary(wide) == [
        ("cpu", {"host": "a", "up": "false"}, True, [None, 3.0, None]),
        ("cpu", {"host": "a", "up": "true"}, True, [1.0, None, None]),
        ("cpu", {"host": "b", "up": "true"}, True, [2.0, 4.0, 5.0]),
        ("mem", {"host": "a", "up": "false"}, True, [None, 30, None]),
        ("mem", {"host": "a", "up": "true"}, True, [10, None, None]),
        ("mem", {"host": "b", "up": "true"}, True, [20, 40, 50]),
    ]
    assert wide.field("mem").type.value == "int32"


def test_long_to_wide_fill_previous_and_value() -> None:
    frame = Frame(
        "f", Field("time", [1, 2, 3], type="time"), Field("k", ["a", "b", "a"]), Field("v", [1.0, 2.0, 3.0])
    )
    assert summary(long_to_wide(frame, fill="previous")) == [
        ("v", {"k": "a"}, True, [1.0, 1.0, 3.0]),
        ("v", {"k": "b"}, True, [None, 2.0, 2.0]),
    ]
    assert summary(long_to_wide(frame, fill=0.0)) == [
        ("v", {"k": "a"}, False, [1.0, 0.0, 3.0]),
        ("v", {"k": "b"}, False, [0.0, 2.0, 0.0]),
    ]


def test_wide_to_long_and_back() -> None:
    wide = long_to_wide(long_frame())
    long = wide_to_long(wide)
    assert long.meta is not None and long.meta.type is FrameType.TIMESERIES_LONG
    assert [f.name for f in long.fields] == ["time", "cpu", "mem", "host", "up"]
    assert long.field("host").values == ["a", "a", "b"] * 3
    assert long.field("up").values == ["false", "true", "true"] * 3
    assert long.field("cpu").values == [None, 1.0, 2.0, 3.0, None, 4.0, None, None, 5.0]
    assert summary(long_to_wide(long)) == summary(wide)


def test_wide_to_multi_and_back() -> None:
    wide = long_to_wide(long_frame())
    multi = wide_to_multi(wide)
    assert len(multi) == 6
    assert all(f.meta is not None and f.meta.type is FrameType.TIMESERIES_MULTI for f in multi)
    assert [len(f.fields) for f in multi] == [2] * 6
    assert summary(multi_to_wide(multi)) == summary(wide)


def test_multi_to_wide_aligns_times() -> None:
    a = Frame("a", Field("time", [1, 2], type="time"), Field("v", [1.0, 2.0], labels={"s": "a"}))
    b = Frame("b", Field("time", [2, 3], type="time"), Field("v", [5.0, 6.0], labels={"s": "b"}))
    wide = multi_to_wide([a, b])
    assert wide.field(0).to_numpy().view("int64").tolist() == [1, 2, 3]
    assert summary(wide) == [
        ("v", {"s": "a"}, True, [1.0, 2.0, None]),
        ("v", {"s": "b"}, True, [None, 5.0, 6.0]),
    ]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            Frame("x", Field("v", [1])),
            "Frame `x` has no time field, so `long_to_wide` cannot use it as a time series.",
        ),
        (
            Frame("x", Field("t", [2, 1], type="time"), Field("v", [1, 2])),
            "Frame `x` is not sorted by `t`; sort it by time, oldest first.",
        ),
        (
            Frame("x", Field("t", [1, None], type="time"), Field("v", [1, 2])),
            "Time field `t` of frame `x` holds nulls; `long_to_wide` needs every time.",
        ),
        (
            Frame("x", Field("t", [], type="time")),
            "Frame `x` has no rows; `long_to_wide` needs at least one.",
        ),
        (
            Frame("x", Field("t", [1], type="time"), Field("j", [{"a": 1}])),
            "Field `j` of frame `x` holds `json.RawMessage` values; `long_to_wide` needs one time field, number fields "
            "and string or bool label fields.",
        ),
    ],
)
def test_long_to_wide_errors(frame: Frame, message: str) -> None:
    with pytest.raises(FrameError) as info:
        long_to_wide(frame)
    assert str(info.value) == message


def test_wide_to_long_rejects_one_name_with_two_types() -> None:
    frame = Frame("x", Field("t", [1], type="time"), Field("v", [1]), Field("v", [1.0], labels={"a": "b"}))
    with pytest.raises(FrameError) as info:
        wide_to_long(frame)
    assert str(info.value) == (
        "Fields named `v` have different types (`int64` and `float64`); `wide_to_long` needs one type per name."
    )
