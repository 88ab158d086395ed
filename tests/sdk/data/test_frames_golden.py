"""Compatibility with the Go SDK's golden Arrow and JSON files (frames.md §7)."""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pytest
from frames_golden import F32_MAX, F32_MIN, GOLDEN_ARROW, GOLDEN_JSON, TIMES, golden_frame

from gpctl.sdk.data import Field, FieldType, Frame


@pytest.fixture(scope="module")
def decoded() -> Frame:
    return Frame.from_arrow_bytes(GOLDEN_ARROW.read_bytes())


def test_golden_arrow_decodes_every_type_and_flag(decoded: Frame) -> None:
    assert decoded.name == "many_types"
    assert decoded.ref_id == "A"
    assert decoded.rows == 5
    assert len(decoded.fields) == 35
    expected_types = [
        "string", "string", "int8", "int8", "int16", "int16", "int32", "int32", "int64", "int64", "uint8", "uint8",
        "uint16", "uint16", "uint32", "uint32", "uint64", "uint64", "float32", "float32", "float32", "float32",
        "float64", "float64", "float64", "float64", "bool", "bool", "time.Time", "time.Time", "time.Time",
        "json.RawMessage", "json.RawMessage", "enum", "enum",
    ]  # fmt: skip
    assert [f.type.value for f in decoded.fields] == expected_types
    nullable = [f.name for f in decoded.fields if f.nullable]
    assert all(n.startswith("nullable_") for n in nullable)
    assert len(nullable) == 17
    assert [f.name for f in decoded.fields].count("timestamps") == 2


def test_golden_arrow_values(decoded: Frame) -> None:
    assert decoded.field("int64_values").values == [-(2**63), -(2**53 - 1), 1, 2**53 - 1, 2**63 - 1]
    assert decoded.field("nullable_uint64_values").values == [0, 0, None, 2**53 - 1, 2**64 - 1]
    assert decoded.field("int32_values").values[2] == 1
    f32 = decoded.field("float32_values").to_numpy()
    assert f32.dtype == np.float32
    assert f32.tolist() == [
        np.float32(F32_MIN),
        np.float32(F32_MIN),
        1.0,
        np.float32(F32_MAX),
        np.float32(F32_MAX),
    ]
    nans = decoded.field("float32_values_nans").values
    assert math.isnan(nans[0]) and nans[1:] == [math.inf, 1.0, -math.inf, 0.0]
    assert decoded.field("nullable_string_values").values[2] is None
    assert decoded.field("nullable_bool_values").values == [True, False, None, True, False]
    assert decoded.field(28).to_numpy().view("int64").tolist() == TIMES
    assert decoded.field(29).config is None
    assert decoded.field(28).config is not None and decoded.field(28).config.interval == 1000
    assert decoded.field("nullable_json").values == [
        {"a": 1},
        [1, 2, 3],
        None,
        [{"c": 3}, {"d": 4}],
        {"e": {"f": 5}},
    ]
    assert decoded.field("enum").values == [1, 2, 2, 1, 1]
    assert decoded.field("nullable_enum").values == [1, 2, None, 3, 0]


def test_golden_arrow_metadata(decoded: Frame) -> None:
    assert decoded.meta is not None
    assert decoded.meta.to_dict() == {
        "typeVersion": [0, 0],
        "custom": {"Hi": "there"},
        "stats": [{"displayName": "sample", "value": 1.234}],
        "channel": "sample/channel/name",
        "executedQueryString": "SELECT * FROM table",
    }
    first, second = decoded.field(0), decoded.field(1)
    assert first.labels == {"aLabelKey": "aLabelValue"}
    assert first.config is not None and first.config.to_dict() == {}
    assert second.config is not None
    assert math.isnan(second.config.min or 0.0) and second.config.max is not None
    assert second.config.to_dict()["noValue"] == "😤"
    assert decoded.field("enum").config is not None
    assert decoded.field("enum").config.to_dict() == {"type": {"enum": {"text": ["", "ONE", "TWO", "THREE"]}}}


def test_golden_json_decodes_to_the_same_frame(decoded: Frame) -> None:
    assert Frame.from_json(GOLDEN_JSON.read_bytes()) == decoded


def test_reencoded_json_is_json_equal_to_golden(decoded: Frame) -> None:
    golden = json.loads(GOLDEN_JSON.read_text())
    assert json.loads(decoded.to_json()) == golden
    assert json.loads(Frame.from_json(GOLDEN_JSON.read_bytes()).to_json()) == golden
    json.loads(decoded.to_json(), parse_constant=_reject)  # NaN/Infinity never appear as JSON numbers


def _reject(name: str) -> None:
    raise AssertionError(f"non-standard JSON constant {name}")


def test_frame_built_from_python_values_equals_golden(decoded: Frame) -> None:
    built = golden_frame()
    assert Frame.from_arrow_bytes(built.to_arrow()) == decoded
    assert json.loads(built.to_json()) == json.loads(GOLDEN_JSON.read_text())


def test_arrow_round_trip_keeps_schema_and_data(decoded: Frame) -> None:
    again = decoded.to_arrow()
    assert Frame.from_arrow_bytes(again) == decoded
    ours = pa.ipc.open_file(pa.py_buffer(again))
    theirs = pa.ipc.open_file(pa.py_buffer(GOLDEN_ARROW.read_bytes()))
    assert ours.num_record_batches == theirs.num_record_batches == 1
    for mine, go in zip(ours.schema, theirs.schema, strict=True):
        assert (mine.name, mine.type, mine.nullable) == (go.name, go.type, go.nullable)
        assert {k: json.loads(v) if k != b"tstype" else v for k, v in mine.metadata.items()} == {
            k: json.loads(v) if k != b"tstype" else v for k, v in go.metadata.items()
        }
    assert sorted(ours.schema.metadata) == [b"meta", b"name", b"refId"]
    for mine_col, go_col in zip(ours.read_all().columns, theirs.read_all().columns, strict=True):
        assert _plain(mine_col.to_pylist()) == _plain(go_col.to_pylist())


def _plain(values: list[object]) -> list[object]:
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in values]


def test_non_nullable_field_reads_raw_slots_like_go() -> None:
    array = pa.array([1, None, 3], type=pa.int64())
    schema = pa.schema([pa.field("x", pa.int64(), nullable=False, metadata={"tstype": "number"})])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, schema) as writer:
        writer.write_batch(pa.RecordBatch.from_arrays([array], schema=schema))
    field = Frame.from_arrow_bytes(sink.getvalue().to_pybytes()).field("x")
    assert field.type is FieldType.INT64
    assert not field.nullable
    assert field.to_arrow().null_count == 0
    assert isinstance(field, Field)
