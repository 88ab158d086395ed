"""The Arrow template fast path writes exactly the bytes pyarrow's writer writes."""

from __future__ import annotations

import random

import numpy as np
from frames_golden import golden_frame

from gpctl.sdk.data import Field, FieldConfig, Frame, FrameMeta, _arrow
from gpctl.sdk.data._ipc_template import TemplateEncoder


def _encoder() -> TemplateEncoder:
    return TemplateEncoder(_arrow._encode_with_pyarrow, _arrow._schema_key)


def test_golden_fields_without_nulls_come_from_a_template_byte_for_byte() -> None:
    golden = golden_frame()
    frame = Frame(
        "many_types",
        *(f for f in golden.fields if not f.to_arrow().null_count),
        meta=FrameMeta(executed_query_string="SELECT 1"),
    )
    assert len(frame.fields) == 18
    encoder = _encoder()
    expected = _arrow._encode_with_pyarrow(frame, "A")
    assert [encoder.encode(frame, "A") for _ in range(3)] == [expected] * 3
    assert list(encoder.templates.values()) != [None]
    assert len(encoder.templates) == 1
    assert Frame.from_arrow_bytes(encoder.encode(frame, "A")) == Frame.from_arrow_bytes(expected)


def test_same_shape_other_values_match_pyarrow() -> None:
    encoder = _encoder()
    rng = random.Random(7)
    for _ in range(30):
        frame = Frame(
            "series",
            Field("time", [rng.randint(0, 2**62) for _ in range(5)], type="time"),
            Field("value", [rng.random() for _ in range(5)], labels={"host": "a"}),
            Field("ok", [rng.random() > 0.5 for _ in range(5)]),
            Field("code", np.arange(5, dtype=np.uint16) * rng.randint(0, 100)),
            Field("name", ["ab", "c", "", "def", "g"]),
            Field("state", ["on", "off", "on", "on", "off"], type="enum"),
            ref_id="B",
        )
        assert encoder.encode(frame, None) == _arrow._encode_with_pyarrow(frame, None)
    assert len(encoder.templates) == 1


def test_string_lengths_and_rows_are_part_of_the_shape() -> None:
    encoder = _encoder()
    for words in (["a", "b"], ["a", "b"], ["a", "b"], ["abc", "defgh"], ["abc", "defgh"], ["x", "y", "z"]):
        frame = Frame("words", Field("w", words), Field("n", list(range(len(words)))))
        assert encoder.encode(frame, "A") == _arrow._encode_with_pyarrow(frame, "A")
    assert len(encoder.templates) == 2


def test_schema_changes_after_a_template_change_the_bytes() -> None:
    encoder = _encoder()
    frame = Frame("f", Field("v", [1.0, 2.0]))
    for _ in range(3):
        encoder.encode(frame, "A")
    frame.fields[0] = Field("v", [1.0, 2.0], config=FieldConfig(unit="ms"))
    frame.name = "g"
    assert encoder.encode(frame, "A") == _arrow._encode_with_pyarrow(frame, "A")
    assert encoder.encode(frame, "C") == _arrow._encode_with_pyarrow(frame, "C")


def test_nulls_slices_and_empty_frames_use_pyarrow() -> None:
    encoder = _encoder()
    sliced = Field("s", Field("x", [1, 2, 3, 4]).to_arrow().slice(1, 2))
    frames = [Frame("n", Field("v", [1.0, None])), Frame("s", sliced), Frame("e", Field("v", []))]
    for frame in frames:
        for _ in range(3):
            assert encoder.encode(frame, "A") == _arrow._encode_with_pyarrow(frame, "A")
    assert encoder.templates == {}


def test_encode_arrow_uses_the_shared_encoder() -> None:
    frame = Frame("shared-template-check", Field("v", [1, 2, 3]))
    results = [frame.to_arrow() for _ in range(3)]
    assert results == [_arrow._encode_with_pyarrow(frame, None)] * 3
    assert any(key[0][0] == "shared-template-check" for key in _arrow._TEMPLATES.templates)
