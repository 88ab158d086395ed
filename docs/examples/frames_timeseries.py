"""Reshape time series between long, wide and multi frames."""

from __future__ import annotations

import numpy as np

from gpctl.sdk.data import Field, Frame, FrameType, long_to_wide, wide_to_long, wide_to_multi

long = Frame(
    "cpu",
    Field("time", np.array([0, 0, 60, 60, 120], dtype="datetime64[s]")),
    Field("host", ["a", "b", "a", "b", "b"]),
    Field("usage", [0.1, 0.5, 0.2, 0.6, 0.7]),
)

wide = long_to_wide(long)  # one field per host, labelled; a missing cell is null
assert wide.meta is not None and wide.meta.type is FrameType.TIMESERIES_WIDE
assert [(f.labels, f.values) for f in wide.fields[1:]] == [
    ({"host": "a"}, [0.1, 0.2, None]),
    ({"host": "b"}, [0.5, 0.6, 0.7]),
]
assert long_to_wide(long, fill="previous").fields[1].values == [0.1, 0.2, 0.2]

multi = wide_to_multi(wide)  # timeseries-multi: one frame per series
assert [f.fields[1].labels for f in multi] == [{"host": "a"}, {"host": "b"}]

back = wide_to_long(wide)
assert back.field("host").values == ["a", "b"] * 3
