"""Every input kind becomes the Go SDK's field type, with deliberate nullability."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from gpctl.sdk.data import EnumConfig, Field, FieldConfig, FieldType, Frame, FrameError

UTC = dt.timezone.utc
JAN1 = dt.datetime(2020, 1, 1, tzinfo=UTC)
JAN1_NS = 1577836800 * 10**9

CASES: list[tuple[str, Callable[[], Field], str, bool, list[Any]]] = [
    ("list with None", lambda: Field("x", [1, None, 3]), "int64", True, [1, None, 3]),
    ("list of floats", lambda: Field("x", [1.5, 2.0]), "float64", False, [1.5, 2.0]),
    ("list of str", lambda: Field("x", ["a", None]), "string", True, ["a", None]),
    ("list of bools", lambda: Field("x", [True, False]), "bool", False, [True, False]),
    ("generator", lambda: Field("x", (i for i in range(3))), "int64", False, [0, 1, 2]),
    ("numpy scalars", lambda: Field("x", [np.float32(1.5)]), "float32", False, [1.5]),
    ("naive datetimes are UTC", lambda: Field("x", [dt.datetime(2020, 1, 1)]), "time.Time", False, [JAN1]),
    (
        "aware datetimes",
        lambda: Field("x", [dt.datetime(2020, 1, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2)))]),
        "time.Time",
        False,
        [JAN1],
    ),
    ("dates", lambda: Field("x", [dt.date(2020, 1, 1)]), "time.Time", False, [JAN1]),
    ("ints as time are ns", lambda: Field("x", [JAN1_NS], type="time"), "time.Time", False, [JAN1]),
    ("decimals", lambda: Field("x", [decimal.Decimal("1.5")]), "float64", False, [1.5]),
    ("dicts become JSON", lambda: Field("x", [{"a": 1}, None, [2]]), "json.RawMessage", True, [{"a": 1}, None, [2]]),
    ("raw JSON bytes", lambda: Field("x", [b'{"a":1}'], type="json"), "json.RawMessage", False, [{"a": 1}]),
    ("all None", lambda: Field("x", [None, None]), "float64", True, [None, None]),
    ("all None typed", lambda: Field("x", [None], type="string"), "string", True, [None]),
    ("empty", lambda: Field("x", []), "float64", False, []),
    ("explicit uint64", lambda: Field("x", [2**64 - 1], type="uint64"), "uint64", False, [2**64 - 1]),
    ("int list as float32", lambda: Field("x", [1, 2], type="float32"), "float32", False, [1.0, 2.0]),
    ("forced nullable", lambda: Field("x", [1], nullable=True), "int64", True, [1]),
    ("np int8", lambda: Field("x", np.array([1], np.int8)), "int8", False, [1]),
    ("np uint64", lambda: Field("x", np.array([2**64 - 1], np.uint64)), "uint64", False, [2**64 - 1]),
    ("np float16 widens", lambda: Field("x", np.array([1.5], np.float16)), "float32", False, [1.5]),
    ("np bool", lambda: Field("x", np.array([True])), "bool", False, [True]),
    ("np unicode", lambda: Field("x", np.array(["a"])), "string", False, ["a"]),
    ("np object", lambda: Field("x", np.array(["a", None], dtype=object)), "string", True, ["a", None]),
    ("np bytes are utf-8 text", lambda: Field("x", np.array([b"ab"])), "string", False, ["ab"]),
    ("np object with type", lambda: Field("x", np.array([1, None], dtype=object), type="float32"), "float32", True, [1.0, None]),
    ("another field", lambda: Field("x", Field("y", [1, 2], type="enum", nullable=True)), "enum", True, [1, 2]),
    ("np strided", lambda: Field("x", np.arange(6)[::2]), "int64", False, [0, 2, 4]),
    ("np datetime64[s] NaT", lambda: Field("x", np.array(["2020-01-01", "NaT"], "datetime64[s]")), "time.Time", True, [JAN1, None]),
    ("np datetime64[D]", lambda: Field("x", np.array(["2020-01-01"], "datetime64[D]")), "time.Time", False, [JAN1]),
    ("np datetime64[M]", lambda: Field("x", np.array(["2020-01"], "datetime64[M]")), "time.Time", False, [JAN1]),
    ("np datetime64[us]", lambda: Field("x", np.array(["2020-01-01"], "datetime64[us]")), "time.Time", False, [JAN1]),
    ("masked", lambda: Field("x", np.ma.masked_array([1, 2], mask=[0, 1])), "int64", True, [1, None]),
    ("masked without nulls", lambda: Field("x", np.ma.masked_array([1.0])), "float64", True, [1.0]),
    ("masked datetimes", lambda: Field("x", np.ma.masked_array(np.array(["2020-01-01", "2020-01-02"], "datetime64[s]"), mask=[0, 1])), "time.Time", True, [JAN1, None]),
    ("pa array", lambda: Field("x", pa.array([1, None], pa.int16())), "int16", True, [1, None]),
    ("pa chunked", lambda: Field("x", pa.chunked_array([[1, 2], [3]])), "int64", False, [1, 2, 3]),
    ("pa large_string", lambda: Field("x", pa.array(["a"], pa.large_string())), "string", False, ["a"]),
    ("pa string_view", lambda: Field("x", pa.array(["a"], pa.string_view())), "string", False, ["a"]),
    ("pa dictionary", lambda: Field("x", pa.array(["a", "b"]).dictionary_encode()), "string", False, ["a", "b"]),
    ("pa date32", lambda: Field("x", pa.array([dt.date(2020, 1, 1)])), "time.Time", False, [JAN1]),
    ("pa timestamp tz", lambda: Field("x", pa.array([JAN1_NS // 1000], pa.timestamp("us", tz="Asia/Tokyo"))), "time.Time", False, [JAN1]),
    ("pa null", lambda: Field("x", pa.nulls(2)), "float64", True, [None, None]),
    ("pa null typed", lambda: Field("x", pa.nulls(1), type="bool"), "bool", True, [None]),
    ("pa decimal", lambda: Field("x", pa.array([decimal.Decimal("2.5")])), "float64", False, [2.5]),
    ("pa large_binary json", lambda: Field("x", pa.array([b"[1]"], pa.large_binary())), "json.RawMessage", False, [[1]]),
    ("pd float NaN stays NaN", lambda: Field("x", pd.Series([1.0, 2.0])), "float64", False, [1.0, 2.0]),
    ("pd int", lambda: Field("x", pd.Series([1, 2], dtype="int32")), "int32", False, [1, 2]),
    ("pd Int64", lambda: Field("x", pd.Series([1, None], dtype="Int64")), "int64", True, [1, None]),
    ("pd Int64 declares nullable", lambda: Field("x", pd.Series([1], dtype="Int64")), "int64", True, [1]),
    ("pd boolean", lambda: Field("x", pd.Series([True, None], dtype="boolean")), "bool", True, [True, None]),
    ("pd str", lambda: Field("x", pd.Series(["a", None])), "string", True, ["a", None]),
    ("pd object", lambda: Field("x", pd.Series(["a", None], dtype=object)), "string", True, ["a", None]),
    ("pd categorical", lambda: Field("x", pd.Series(["a", "b"], dtype="category")), "string", False, ["a", "b"]),
    ("pd tz-aware", lambda: Field("x", pd.Series(pd.to_datetime(["2020-01-01T02:00:00+02:00"]))), "time.Time", False, [JAN1]),
    ("pd datetime NaT", lambda: Field("x", pd.Series(pd.to_datetime(["2020-01-01", None]))), "time.Time", True, [JAN1, None]),
    ("pd DatetimeIndex", lambda: Field("x", pd.date_range("2020-01-01", periods=1, tz="UTC")), "time.Time", False, [JAN1]),
    ("pd arrow dtype", lambda: Field("x", pd.Series([1, None], dtype="int64[pyarrow]")), "int64", True, [1, None]),
    ("pl ints", lambda: Field("x", pl.Series([1, None])), "int64", True, [1, None]),
    ("pl strings", lambda: Field("x", pl.Series(["a"])), "string", False, ["a"]),
    ("pl categorical", lambda: Field("x", pl.Series(["a"], dtype=pl.Categorical)), "string", False, ["a"]),
    ("pl datetime tz", lambda: Field("x", pl.Series([dt.datetime(2020, 1, 1, 9)]).dt.replace_time_zone("Asia/Tokyo")), "time.Time", False, [JAN1]),
    ("pl date", lambda: Field("x", pl.Series([dt.date(2020, 1, 1)])), "time.Time", False, [JAN1]),
    ("pl float32", lambda: Field("x", pl.Series([1.5], dtype=pl.Float32)), "float32", False, [1.5]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "ftype", "nullable", "values"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_input_kinds(build: Callable[[], Field], ftype: str, nullable: bool, values: list[Any]) -> None:
    field = build()
    assert field.type.value == ftype
    assert field.nullable is nullable
    assert field.values == values
    frame = Frame.from_arrow_bytes(Frame("f", field).to_arrow())
    assert frame.fields == [field]


ENUMS: list[tuple[str, Callable[[], Field], list[Any], list[str]]] = [
    ("strings", lambda: Field("x", ["ok", "bad", None, "ok"], type="enum"), [0, 1, None, 0], ["ok", "bad"]),
    ("indices", lambda: Field("x", [1, 0], type="enum"), [1, 0], []),
    (
        "pandas categorical",
        lambda: Field("x", pd.Series(["b", "a"], dtype="category"), type="enum"),
        [1, 0],
        ["a", "b"],
    ),
    (
        "polars enum",
        lambda: Field("x", pl.Series(["a", "b"], dtype=pl.Enum(["b", "a"])), type="enum"),
        [1, 0],
        ["b", "a"],
    ),
    (
        "strings mapped onto given labels",
        lambda: Field(
            "x", ["TWO", "ONE"], type="enum", config=FieldConfig(enum=EnumConfig(text=["", "ONE", "TWO"]))
        ),
        [2, 1],
        ["", "ONE", "TWO"],
    ),
]


@pytest.mark.parametrize(("build", "values", "text"), [c[1:] for c in ENUMS], ids=[c[0] for c in ENUMS])
def test_enums(build: Callable[[], Field], values: list[Any], text: list[str]) -> None:
    field = build()
    assert field.type is FieldType.ENUM
    assert field.to_arrow().type == pa.uint16()
    assert field.values == values
    assert (field.config.enum.text if field.config and field.config.enum else []) == text


ERRORS: list[tuple[str, Callable[[], Any], str]] = [
    ("mixed list", lambda: Field("x", [1, "a"]), "Field `x` could not be converted: `Could not convert 'a' with type str: tried to convert to int64`."),
    ("int too big", lambda: Field("x", [2**64 - 1]), 'Field `x` holds an integer out of the int64 range; pass `type="uint64"` or use floats.'),
    ("lost fraction", lambda: Field("x", [1.5], type="int64"), "Field `x` cannot be stored as `int64`: `Float value 1.500000 was truncated converting to int64`."),
    ("out of range", lambda: Field("x", [300], type="int8"), "Field `x` cannot be stored as `int8`: `Integer value 300 not in range: -128 to 127`."),
    ("null but not nullable", lambda: Field("x", [1, None, None], nullable=False), "Field `x` holds 2 null value(s) but was declared with `nullable=False`."),
    ("unknown type", lambda: Field("x", [1], type="int128"), "Field `x`: Unknown field type `int128`; use one of `int8`, `int16`, `int32`, `int64`, `uint8`, `uint16`, `uint32`, `uint64`, `float32`, `float64`, `string`, `bool`, `time.Time`, `json.RawMessage`, `enum`."),
    ("a string", lambda: Field("x", "abc"), "Field `x` needs a sequence of values, not `str`."),
    ("2-D array", lambda: Field("x", np.zeros((2, 2))), "Field `x` needs one-dimensional values, not an array of shape `(2, 2)`."),
    ("durations", lambda: Field("x", np.array([1], "timedelta64[s]")), "Field `x` holds durations (`timedelta64[s]`), which a frame cannot carry; convert them to numbers first."),
    ("time overflow", lambda: Field("x", np.array(["3000-01-01"], "datetime64[s]")), "Field `x` holds times outside the nanosecond range (years 1678 to 2262) that frames can carry."),
    ("time of day", lambda: Field("x", [dt.time(1)]), "Field `x` has Arrow type `time64[us]`, which Grafana cannot read; convert times of day and durations to numbers or strings first."),
    ("nested arrow", lambda: Field("x", pa.array([[1]])), 'Field `x` has Arrow type `list<item: int64>`, which Grafana cannot read; store nested values as JSON with `type="json"`.'),
    ("bad JSON bytes", lambda: Field("x", [b"{"], type="json"), "Field `x` holds bytes that are not valid JSON: `Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`."),
    ("unknown enum label", lambda: Field("x", ["THREE"], type="enum", config=FieldConfig(enum=EnumConfig(text=["ONE"]))), "Field `x` holds `THREE`, which is not among its enum labels."),
    ("time as float", lambda: Field("x", pa.array([dt.datetime(2020, 1, 1)]), type="float64"), "Field `x` holds `time.Time` values, which cannot become `float64`."),
    ("bad labels", lambda: Field("x", [1], labels={"a": 1}), "Labels of field `x` must map strings to strings; got `'a': 1`."),  # type: ignore[dict-item]
    ("arrow table as values", lambda: Field("x", pa.table({"a": [1]})), "Field `x` got a pyarrow table; use `Frame.from_arrow(table)` or pass one column."),
    ("polars frame as values", lambda: Field("x", pl.DataFrame({"a": [1]})), "Field `x` got a DataFrame; use `Frame.from_polars(df)` or pass one column."),
    ("pandas frame as values", lambda: Field("x", pd.DataFrame({"a": [1]})), "Field `x` got a DataFrame; use `Frame.from_pandas(df)` or pass one column."),
]  # fmt: skip


@pytest.mark.parametrize(("build", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_name_the_field_and_reason(build: Callable[[], Any], message: str) -> None:
    with pytest.raises(FrameError) as info:
        build()
    assert str(info.value) == message


def test_numpy_and_pandas_inputs_are_zero_copy() -> None:
    values = np.arange(1000, dtype=np.float64)
    assert np.shares_memory(Field("x", values).to_arrow().to_numpy(), values)
    times = np.arange(1000, dtype=np.int64).view("datetime64[ns]")
    assert np.shares_memory(Field("t", times).to_arrow().to_numpy(), times)
    series = pd.Series(values)  # pandas may copy on construction; the Field must not copy again
    assert np.shares_memory(Field("x", series).to_arrow().to_numpy(), series.to_numpy())
    stamps = pd.Series(times)
    assert np.shares_memory(Field("t", stamps).to_arrow().to_numpy(), stamps.to_numpy())
