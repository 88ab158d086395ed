"""Whole frames from pandas, polars, pyarrow tables and records, and back to pandas."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from gpctl.sdk.data import EnumConfig, Field, FieldConfig, FieldType, Frame, FrameError

UTC = dt.timezone.utc


def test_from_pandas_columns_index_and_duplicates() -> None:
    df = pd.DataFrame(
        [[1.0, "a", 3], [2.0, None, 4]],
        columns=["v", "s", "v"],
        index=pd.DatetimeIndex(["2020-01-01", "2020-01-02"], tz="Europe/Paris", name="time"),
    )
    frame = Frame.from_pandas(df, "p", ref_id="A")
    assert [(f.name, f.type.value, f.nullable) for f in frame.fields] == [
        ("time", "time.Time", False),
        ("v", "float64", False),
        ("s", "string", True),
        ("v", "int64", False),
    ]
    assert frame.field("time").values[0] == dt.datetime(2019, 12, 31, 23, tzinfo=UTC)
    assert frame.ref_id == "A"


def test_from_pandas_default_index_is_left_out_unless_asked() -> None:
    df = pd.DataFrame({"x": [1, 2]})
    assert [f.name for f in Frame.from_pandas(df).fields] == ["x"]
    assert [f.name for f in Frame.from_pandas(df, index=True).fields] == ["index", "x"]
    multi = df.set_index(pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", None]))
    assert [f.name for f in Frame.from_pandas(multi).fields] == ["k", "index_1", "x"]


def test_from_pandas_categoricals_as_strings_or_enums() -> None:
    df = pd.DataFrame({"state": pd.Categorical(["ok", "bad", "ok"], categories=["ok", "bad"])})
    assert Frame.from_pandas(df).field("state").values == ["ok", "bad", "ok"]
    enum = Frame.from_pandas(df, categoricals="enum").field("state")
    assert enum.type is FieldType.ENUM and enum.values == [0, 1, 0]
    assert enum.config is not None and enum.config.enum == EnumConfig(text=["ok", "bad"])


def test_from_polars() -> None:
    df = pl.DataFrame(
        {
            "time": [dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 2)],
            "v": [1.5, None],
            "c": pl.Series(["x", "y"], dtype=pl.Categorical),
        }
    )
    frame = Frame.from_polars(df, "pl")
    assert [(f.name, f.type.value, f.nullable) for f in frame.fields] == [
        ("time", "time.Time", False),
        ("v", "float64", True),
        ("c", "string", False),
    ]
    assert Frame.from_polars(df, categoricals="enum").field("c").type is FieldType.ENUM


def test_from_arrow_table_converts_and_keeps_grafana_metadata() -> None:
    original = Frame("g", Field("x", [1, 2], labels={"a": "b"}), ref_id="Q")
    assert Frame.from_arrow(original.to_arrow_table()) == original
    table = pa.table({"s": pa.array(["a"], pa.large_string()), "d": pa.array(["x"]).dictionary_encode()})
    frame = Frame.from_arrow(table, "t")
    assert [(f.name, f.type.value, f.nullable) for f in frame.fields] == [
        ("s", "string", True),
        ("d", "string", True),
    ]
    strict = pa.table({"n": pa.array([1])}, schema=pa.schema([pa.field("n", pa.int64(), nullable=False)]))
    assert not Frame.from_arrow(strict.to_batches()[0]).field("n").nullable
    with pytest.raises(FrameError) as info:
        Frame.from_arrow([1])
    assert str(info.value) == "`Frame.from_arrow` needs a pyarrow Table or RecordBatch, not `list`."


def test_from_records() -> None:
    rows = [{"t": dt.datetime(2020, 1, 1), "v": 1}, {"t": dt.datetime(2020, 1, 2), "w": "x"}]
    frame = Frame.from_records(rows, "r", types={"v": "float64"})
    assert [(f.name, f.type.value, f.nullable, f.values[-1]) for f in frame.fields] == [
        ("t", "time.Time", False, dt.datetime(2020, 1, 2, tzinfo=UTC)),
        ("v", "float64", True, None),
        ("w", "string", True, "x"),
    ]
    tuples = Frame.from_records([(1, "a"), (2, "b")], columns=["n", "s"])
    assert [f.values for f in tuples.fields] == [[1, 2], ["a", "b"]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Frame.from_records([(1, 2)]), "Records that are not mappings need `columns=` to name their fields."),
        (lambda: Frame.from_records([(1,)], columns=["a", "b"]), "Record 0 has 1 values but there are 2 columns."),
        (lambda: Frame.from_records([{"a": 1}], types={"b": "int8"}), "`types` names `b`, which is not a column of the records."),
        (lambda: Frame.from_pandas([1]), "`Frame.from_pandas` needs a pandas DataFrame, not `list`."),
        (lambda: Frame.from_polars([1]), "`Frame.from_polars` needs a polars DataFrame, not `list`."),
    ],
)  # fmt: skip
def test_interop_errors(call: object, message: str) -> None:
    with pytest.raises(FrameError) as info:
        call()  # type: ignore[operator]
    assert str(info.value) == message


def test_to_pandas() -> None:
    frame = Frame(
        "p",
        Field("time", np.array([0, 1], "datetime64[s]")),
        Field("i", [1, None]),
        Field("f", [1.5, None]),
        Field("s", ["a", None]),
        Field("b", [True, False]),
        Field("j", [{"a": 1}, [2]]),
        Field("e", [1, 0], type="enum", config=FieldConfig(enum=EnumConfig(text=["off", "on"]))),
        Field("i", [3, 4]),
    )
    df = frame.to_pandas()
    assert list(df.columns) == ["time", "i", "f", "s", "b", "j", "e", "i"]
    assert str(df.dtypes.iloc[0]) == "datetime64[ns, UTC]"
    assert str(df.dtypes.iloc[1]) == "Int64" and df.iloc[1, 1] is pd.NA
    assert np.isnan(df.iloc[1, 2])
    assert df.iloc[:, 3].tolist() == ["a", None]
    assert df.iloc[:, 5].tolist() == [{"a": 1}, [2]]
    assert df.iloc[:, 6].tolist() == ["on", "off"]
    assert df.iloc[:, 7].tolist() == [3, 4]
    back = Frame.from_pandas(df, "p")
    assert back.field("i").values == [1, None]
    assert Frame("empty").to_pandas().shape == (0, 0)
