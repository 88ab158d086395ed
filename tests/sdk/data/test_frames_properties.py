"""Property tests: any frame survives Arrow and JSON round trips unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpctl.sdk.data import Field, FieldType, Frame

INT_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64}
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def values_for(ftype: FieldType) -> st.SearchStrategy[Any]:
    name = ftype.value
    if name in INT_BITS:
        bits = INT_BITS[name]
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if name.startswith("uint"):
        return st.integers(0, 2 ** int(name[4:]) - 1)
    if ftype is FieldType.FLOAT32:
        return st.floats(width=32)
    if ftype is FieldType.FLOAT64:
        return st.floats()
    if ftype is FieldType.STRING:
        return TEXT
    if ftype is FieldType.BOOL:
        return st.booleans()
    if ftype is FieldType.TIME:
        return st.integers(-(2**63), 2**63 - 1)
    if ftype is FieldType.JSON:
        return JSON_VALUES.map(lambda v: {"v": v})
    return st.integers(0, 65535)


@st.composite
def fields(draw: st.DrawFn, rows: int) -> Field:
    ftype = draw(st.sampled_from(list(FieldType)))
    nullable = draw(st.booleans())
    cell = values_for(ftype)
    if nullable:
        cell = st.none() | cell
    values = draw(st.lists(cell, min_size=rows, max_size=rows))
    labels = draw(st.none() | st.dictionaries(TEXT, TEXT, max_size=2))
    return Field(draw(TEXT), values, labels, type=ftype, nullable=nullable or None)


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    rows = draw(st.integers(0, 6))
    items = draw(st.lists(fields(rows), max_size=5))
    return Frame(draw(TEXT), *items, ref_id=draw(st.none() | st.sampled_from(["A", "B"])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_arrow_round_trip(frame: Frame) -> None:
    assert Frame.from_arrow_bytes(frame.to_arrow()) == frame


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_json_round_trip(frame: Frame) -> None:
    assert Frame.from_json(frame.to_json()) == frame
    assert Frame.from_json(frame.to_json("data"), schema=frame) == frame


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_arrow_and_json_agree(frame: Frame) -> None:
    assert Frame.from_arrow_bytes(frame.to_arrow()).to_json() == frame.to_json()


UNITS = ["D", "h", "m", "s", "ms", "us", "ns"]
NUMPY_DTYPES = [
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "bool",
]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(UNITS), st.lists(st.integers(-100_000, 100_000) | st.none(), max_size=8))
def test_datetime64_of_any_unit_becomes_exact_ns(unit: str, ticks: list[int | None]) -> None:
    import numpy as np

    array = np.array(
        [np.datetime64("NaT") if t is None else np.datetime64(t, unit) for t in ticks], f"datetime64[{unit}]"
    )
    field = Field("t", array)
    assert field.type is FieldType.TIME
    assert field.nullable is (None in ticks)
    expected = array.astype("datetime64[ns]")
    assert np.array_equal(field.to_numpy(), expected, equal_nan=True)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(NUMPY_DTYPES), st.data())
def test_numpy_and_masked_arrays_keep_their_type(dtype: str, data: st.DataObject) -> None:
    import numpy as np
    from hypothesis.extra.numpy import arrays

    values = data.draw(arrays(dtype, st.integers(0, 8)))
    mask = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    plain = Field("x", values)
    masked = Field("x", np.ma.masked_array(values, mask=mask))
    assert plain.type.value == dtype
    assert not plain.nullable and masked.nullable
    expected = [None if m else v for v, m in zip(plain.values, mask, strict=True)]
    assert _nan_as_text(masked.values) == _nan_as_text(expected)
    frame = Frame("n", plain, masked)
    assert Frame.from_arrow_bytes(frame.to_arrow()) == frame
    assert Frame.from_json(frame.to_json()) == frame


def _nan_as_text(values: list[Any]) -> list[Any]:
    return ["NaN" if isinstance(v, float) and v != v else v for v in values]
