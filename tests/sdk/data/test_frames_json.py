"""Frame JSON: include modes, entities, nanos, decoding, and the runtime's encode helpers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gpctl.sdk.data import (
    Field,
    FieldConfig,
    Frame,
    FrameError,
    FrameMeta,
    Notice,
    NoticeSeverity,
    StreamPacketEncoder,
    encode_frames,
)


def frame() -> Frame:
    return Frame(
        "f",
        Field("time", np.array([-1, 0, 1_500_001], "datetime64[ns]")),
        Field("v", np.array([math.nan, math.inf, -math.inf], np.float32)),
        Field("n", [1.0, None, math.nan]),
        ref_id="B",
    )


def test_include_all_data_and_schema() -> None:
    doc = json.loads(frame().to_json())
    assert list(doc) == ["schema", "data"]
    assert doc["schema"] == {
        "name": "f",
        "refId": "B",
        "fields": [
            {"name": "time", "type": "time", "typeInfo": {"frame": "time.Time"}},
            {"name": "v", "type": "number", "typeInfo": {"frame": "float32"}},
            {"name": "n", "type": "number", "typeInfo": {"frame": "float64", "nullable": True}},
        ],
    }
    assert doc["data"] == {
        "values": [[-1, 0, 1], [None, None, None], [1.0, None, None]],
        "entities": [None, {"NaN": [0], "Inf": [1], "NegInf": [2]}, {"NaN": [2]}],
        "nanos": [[999999, 0, 500001], None, None],
    }
    assert json.loads(frame().to_json("data")) == {"data": doc["data"]}
    assert json.loads(frame().to_json("schema")) == {"schema": doc["schema"]}
    assert frame().to_dict() == doc


def test_json_round_trip_restores_nan_inf_and_nanos() -> None:
    decoded = Frame.from_json(frame().to_json())
    assert decoded == frame()
    assert decoded.field("time").to_numpy().view("int64").tolist() == [-1, 0, 1_500_001]
    assert decoded.field("v").to_numpy().dtype == np.float32


def test_data_only_documents_decode_with_a_schema() -> None:
    data = frame().to_json("data")
    assert Frame.from_json(data, schema=frame()) == frame()
    with pytest.raises(FrameError) as info:
        Frame.from_json(data)
    assert str(info.value) == "The frame JSON holds only `data`; pass the frame it belongs to as `schema=`."


def test_schema_only_decodes_to_zero_rows() -> None:
    decoded = Frame.from_json(frame().to_json("schema"))
    assert decoded.rows == 0
    assert [(f.name, f.type.value, f.nullable) for f in decoded.fields] == [
        ("time", "time.Time", False),
        ("v", "float32", False),
        ("n", "float64", True),
    ]


def test_type_aliases_and_exact_large_integers() -> None:
    doc = {
        "schema": {
            "fields": [
                {"name": "a", "typeInfo": {"frame": "int"}},
                {"name": "b", "typeInfo": {"frame": "*uint64"}},
                {"name": "c", "typeInfo": {"frame": "double"}},
                {"name": "d", "type": "boolean", "typeInfo": {"frame": "boolean"}},
                {"name": "e", "typeInfo": {"frame": "time"}},
                {"name": "f", "typeInfo": {"frame": "json"}},
                {"name": "g", "type": "number"},
                {"name": "h", "type": "time"},
            ]
        },
        "data": {"values": [[2**63 - 1], [None], [1], [True], [5], [{"x": [1]}], [2], [3]]},
    }
    decoded = Frame.from_json(json.dumps(doc))
    assert [f.type.value for f in decoded.fields] == [
        "int64", "uint64", "float64", "bool", "time.Time", "json.RawMessage", "float64", "time.Time",
    ]  # fmt: skip
    assert decoded.field("b").nullable
    assert decoded.field("a").values == [2**63 - 1]
    assert b"9223372036854775807" in decoded.to_json()
    assert decoded.field("f").values == [{"x": [1]}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b"{",
            "The frame JSON is not valid JSON: `Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`.",
        ),
        (b"[]", "The frame JSON needs a `schema` or a `data` object."),
        (
            b'{"schema":{"fields":[{"name":"a","typeInfo":{"frame":"int8"}}]},"data":{"values":[[1],[2]]}}',
            "The frame JSON has 1 fields in its schema but 2 value arrays.",
        ),
        (
            b'{"schema":{"fields":[{"name":"a","typeInfo":{"frame":"int8"}}]},"data":{"values":[[null]]}}',
            "Field `a` is not nullable but its JSON values hold `null`.",
        ),
        (
            b'{"schema":{"fields":[{"name":"a","typeInfo":{"frame":"int8"}}]},"data":{"values":[[300]]}}',
            "Field `a` has JSON values that do not fit its type: `Value 300 too large to fit in C integer type`.",
        ),
    ],
)
def test_decode_errors(text: bytes, message: str) -> None:
    with pytest.raises(FrameError) as info:
        Frame.from_json(text)
    assert str(info.value) == message


def test_meta_and_config_are_written_in_schema() -> None:
    meta = FrameMeta(notices=[Notice("slow", NoticeSeverity.WARNING)], custom={"k": [1]})
    f = Frame("m", Field("x", [1], config=FieldConfig(unit="ms", min=math.nan)), meta=meta)
    schema = json.loads(f.to_json("schema"))["schema"]
    assert schema["meta"] == {
        "typeVersion": [0, 0],
        "custom": {"k": [1]},
        "notices": [{"severity": "warning", "text": "slow"}],
    }
    assert schema["fields"][0]["config"] == {"unit": "ms", "min": None}


def test_encode_frames_per_format_fills_ref_id() -> None:
    plain = Frame("f", Field("x", [1]))
    arrow = encode_frames([plain], "arrow", ref_id="A")
    assert arrow[0][:6] == b"ARROW1"
    assert Frame.from_arrow_bytes(arrow[0]).ref_id == "A"
    as_json = encode_frames([plain, frame()], "json", ref_id="A")
    assert [json.loads(b)["schema"].get("refId") for b in as_json] == ["A", "B"]
    assert plain.ref_id is None
    assert encode_frames([plain], 1, ref_id="A") == encode_frames([plain], "json", ref_id="A")
    assert encode_frames([plain], 0) == encode_frames([plain], "ARROW")
    with pytest.raises(ValueError) as info:
        encode_frames([plain], "csv")
    assert str(info.value) == "Unknown frame format `csv`; use `arrow` or `json`."


def test_stream_packets_send_the_schema_once() -> None:
    encoder = StreamPacketEncoder()
    first = json.loads(encoder.encode(Frame("s", Field("v", [1.0]))))
    second = json.loads(encoder.encode(Frame("s", Field("v", [2.0]))))
    changed = json.loads(encoder.encode(Frame("s", Field("v", [3]))))
    assert list(first) == ["schema", "data"]
    assert StreamPacketEncoder().encode(frame()) == frame().to_json()
    assert second == {"data": {"values": [[2.0]]}}
    assert list(changed) == ["schema", "data"]
    encoder.reset()
    assert list(json.loads(encoder.encode(Frame("s", Field("v", [3]))))) == ["schema", "data"]
