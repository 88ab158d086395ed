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


def test_public_surface_is_sorted_and_complete() -> None:
    import gpctl.sdk.data as data

    assert data.__all__ == sorted(data.__all__)
    for name in data.__all__:
        assert getattr(data, name) is not None
    public = {
        n for n in dir(data) if not n.startswith("_") and n not in ("annotations", "TYPE_CHECKING", "Any")
    }
    assert public <= set(data.__all__)


def test_timeseries_helpers_load_lazily() -> None:
    code = "import sys, gpctl.sdk.data as d; d.long_to_wide; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_field_and_frame_misuse_are_type_errors() -> None:
    with pytest.raises(TypeError) as info:
        Frame(Field("x", [1]))  # type: ignore[arg-type]
    assert (
        str(info.value)
        == "Frame name must be a string, not `Field('x', type='int64', rows=1)`; pass the name first."
    )
    with pytest.raises(TypeError) as info:
        Frame("f", [1])  # type: ignore[arg-type]
    assert str(info.value) == "Frame `f` takes Field objects, not `list`."
    with pytest.raises(KeyError) as key:
        Frame("f", Field("a", [1])).field("b")
    assert key.value.args[0] == "Frame `f` has no field `b`; fields: `a`."


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
