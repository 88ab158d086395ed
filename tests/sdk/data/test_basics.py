"""Building frames and fields: the everyday API."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gpctl.sdk.data import Field, FieldConfig, Frame, FrameError, FrameMeta


def test_import_is_cheap() -> None:
    code = "import sys, gpctl.sdk.data; print(sorted(m for m in ('pyarrow', 'numpy', 'pandas', 'polars') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lengths_are_checked_when_the_frame_is_built() -> None:
    with pytest.raises(FrameError) as info:
        Frame("w", Field("time", [1, 2, 3]), Field("value", [1.0, 2.0]))
    assert str(info.value) == (
        "Fields of frame `w` differ in length: `time` has 3, `value` has 2; every field needs the same number of rows."
    )


def test_arrow_round_trip_keeps_everything() -> None:
    frame = Frame(
        "w",
        Field("time", [0, 1_500_000], type="time"),
        Field("v", [1.5, None], labels={"a": "b"}, config=FieldConfig(unit="C")),
        ref_id="A",
        meta=FrameMeta(executed_query_string="x"),
    )
    data = frame.to_arrow()
    assert data[:8] == b"ARROW1\0\0" and data[-6:] == b"ARROW1"
    assert Frame.from_arrow_bytes(data) == frame
    assert Frame.from_json(frame.to_json()) == frame
