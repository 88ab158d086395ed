"""The Arrow IPC container: file format, metadata keys, batches and what the decoder rejects."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from gpctl.sdk.data import Field, FieldConfig, FieldType, Frame, FrameError, FrameMeta


def read(data: bytes) -> pa.ipc.RecordBatchFileReader:
    return pa.ipc.open_file(pa.py_buffer(data))


def write_file(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def test_one_batch_and_go_metadata() -> None:
    frame = Frame("n", Field("a", [1, 2], labels={}), Field("b", ["x", None], config=FieldConfig()))
    reader = read(frame.to_arrow())
    assert reader.num_record_batches == 1
    assert reader.schema.metadata == {b"name": b"n", b"refId": b""}
    assert reader.schema.field(0).metadata == {b"tstype": b"number", b"labels": b"{}"}
    assert reader.schema.field(1).metadata == {b"tstype": b"string", b"config": b"{}"}
    assert [f.nullable for f in reader.schema] == [False, True]


def test_tstype_and_arrow_type_per_field_type() -> None:
    fields = [
        Field("i8", [1], type="int8"),
        Field("u64", [1], type="uint64"),
        Field("f32", [1.0], type="float32"),
        Field("s", ["a"]),
        Field("b", [True]),
        Field("t", [1], type="time"),
        Field("j", [{}]),
        Field("e", [1], type="enum"),
        Field("u16", [1], type="uint16"),
    ]
    schema = read(Frame("t", *fields).to_arrow()).schema
    assert [(str(f.type), f.metadata[b"tstype"].decode()) for f in schema] == [
        ("int8", "number"),
        ("uint64", "number"),
        ("float", "number"),
        ("string", "string"),
        ("bool", "boolean"),
        ("timestamp[ns]", "time"),
        ("binary", "other"),
        ("uint16", "enum"),
        ("uint16", "number"),
    ]
    decoded = Frame.from_arrow_bytes(Frame("t", *fields).to_arrow())
    assert decoded.field("e").type is FieldType.ENUM and decoded.field("u16").type is FieldType.UINT16


def test_meta_and_sorted_labels() -> None:
    frame = Frame("m", Field("a", [1], labels={"z": "1", "a": "2"}), ref_id="A", meta=FrameMeta(channel="c"))
    reader = read(frame.to_arrow())
    assert list(reader.schema.metadata) == [b"meta", b"name", b"refId"]
    assert json.loads(reader.schema.metadata[b"meta"]) == {"typeVersion": [0, 0], "channel": "c"}
    assert reader.schema.field(0).metadata[b"labels"] == b'{"a":"2","z":"1"}'


def test_zero_rows_write_no_batch_and_zero_fields_are_legal() -> None:
    empty = Frame("e", Field("a", [], type="int8"), Field("t", [], type="time"))
    reader = read(empty.to_arrow())
    assert reader.num_record_batches == 0
    decoded = Frame.from_arrow_bytes(empty.to_arrow())
    assert decoded == empty and decoded.rows == 0
    nothing = Frame("")
    assert read(nothing.to_arrow()).num_record_batches == 0
    assert Frame.from_arrow_bytes(nothing.to_arrow()) == nothing


def test_several_batches_and_other_time_units_decode() -> None:
    schema = pa.schema([pa.field("t", pa.timestamp("ms", tz="UTC"), nullable=False)])
    table = pa.Table.from_batches(
        [pa.record_batch([pa.array([1], pa.timestamp("ms", tz="UTC"))], schema=schema)] * 2, schema=schema
    )
    field = Frame.from_arrow_bytes(write_file(table)).field("t")
    assert field.type is FieldType.TIME
    assert field.to_numpy().view("int64").tolist() == [1_000_000, 1_000_000]


def test_string_view_is_read_as_string() -> None:
    table = pa.table({"s": pa.array(["a"], pa.string_view())})
    assert Frame.from_arrow_bytes(write_file(table)).field("s").values == ["a"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"nope",
            "The frame bytes are not Arrow data; Grafana needs an Arrow IPC file (starting with `ARROW1`).",
        ),
        (
            b"\xff\xff\xff\xff" + b"\0" * 20,
            "The frame bytes are an Arrow IPC stream; Grafana needs an Arrow IPC file (starting with `ARROW1`).",
        ),
        (
            write_file(pa.table({"s": pa.array(["a"], pa.large_string())})),
            "Field `s` has Arrow type `large_string`, which Grafana's reader rejects.",
        ),
        (
            write_file(pa.table({"n": pa.nulls(1)})),
            "Field `n` has Arrow type `null`, which Grafana's reader rejects.",
        ),
    ],
)
def test_decoder_rejects_what_grafana_rejects(data: bytes, message: str) -> None:
    with pytest.raises(FrameError) as info:
        Frame.from_arrow_bytes(data)
    assert str(info.value) == message


def test_truncated_file_is_an_error() -> None:
    data = Frame("x", Field("a", [1])).to_arrow()
    with pytest.raises(FrameError) as info:
        Frame.from_arrow_bytes(data[:-20])
    assert str(info.value).startswith("The frame bytes are not a readable Arrow IPC file: `")


def test_lengths_are_checked_again_before_encoding() -> None:
    frame = Frame("x", Field("a", [1]))
    frame.fields.append(Field("b", [1, 2]))
    with pytest.raises(FrameError) as info:
        frame.to_arrow()
    assert str(info.value) == (
        "Fields of frame `x` differ in length: `a` has 1, `b` has 2; every field needs the same number of rows."
    )


def test_meta_that_is_not_json_is_an_error() -> None:
    frame = Frame("x", Field("a", [1]), meta=FrameMeta(custom={"v": float("nan")}))
    with pytest.raises(FrameError) as info:
        frame.to_arrow()
    assert str(info.value) == "The meta of frame `x` cannot be written as JSON: it holds NaN or an infinity."


def test_labels_and_config_that_are_not_json_are_errors() -> None:
    frame = Frame("x", Field("a", [1], config=FieldConfig(custom={"s": {1}})))
    with pytest.raises(FrameError) as info:
        frame.to_arrow()
    assert (
        str(info.value)
        == "The config of field `a` cannot be written as JSON: `Object of type set is not JSON serializable`."
    )
