"""Frames from pandas and polars, and back to pandas."""

from __future__ import annotations

import pandas as pd
import polars as pl

from gpctl.sdk.data import Frame

df = pd.DataFrame(
    {
        "time": pd.date_range("2026-01-01", periods=3, freq="h", tz="Europe/Berlin"),  # tz-aware → UTC
        "requests": pd.array([10, None, 30], dtype="Int64"),  # nullable dtype → nullable int64
        "route": pd.Categorical(["/a", "/b", "/a"]),  # categorical → strings (or enums)
    }
)
frame = Frame.from_pandas(df, "traffic")
assert [(f.name, f.type.value, f.nullable) for f in frame.fields] == [
    ("time", "time.Time", False),
    ("requests", "int64", True),
    ("route", "string", False),
]
assert Frame.from_pandas(df, categoricals="enum").field("route").type.value == "enum"

again = frame.to_pandas()
assert str(again["time"].dtype) == "datetime64[ns, UTC]"
assert again["requests"].tolist()[1] is pd.NA

pl_frame = Frame.from_polars(pl.DataFrame({"x": [1.5, None], "name": ["a", "b"]}), "from polars")
assert [(f.type.value, f.nullable) for f in pl_frame.fields] == [("float64", True), ("string", False)]

rows = [{"host": "a", "cpu": 0.5}, {"host": "b", "cpu": 0.7, "note": "hot"}]
records = Frame.from_records(rows, "hosts")
assert records.field("note").values == [None, "hot"]
