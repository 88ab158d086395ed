"""The Go SDK's all-types golden frame, rebuilt from Python values (frames.md §7)."""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any

from gpctl.sdk.data import (
    DataLink,
    EnumConfig,
    Field,
    FieldConfig,
    Frame,
    FrameMeta,
    QueryStat,
)

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_ARROW = FIXTURES / "all_types.golden.arrow"
GOLDEN_JSON = FIXTURES / "all_types.golden.json"

F32_MIN = struct.unpack("<f", struct.pack("<I", 0x00000001))[0]  # the smallest float32 above 0
F32_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]
F64_MAX = 1.7976931348623157e308
JS_MAX = 2**53 - 1
NAN, INF = math.nan, math.inf
TIMES = [0, 1568039445000000000, 1568039450000000000, 9007199254740991, 9223372036854775807]


def _pair(
    kind: str, values: list[object], null_twin: list[object] | None = None, **extra: object
) -> list[Field]:
    twin = list(values)
    twin[2] = None
    return [
        Field(f"{kind}_values", values, type=kind, nullable=False, **extra),  # type: ignore[arg-type]
        Field(f"nullable_{kind}_values", null_twin or twin, type=kind, nullable=True),
    ]


def _ints(bits: int, middle: int) -> list[object]:
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return [lo, lo, middle, hi, hi]


def _uints(bits: int) -> list[object]:
    hi = 2**bits - 1
    return [0, 0, 1, hi, hi]


def golden_frame(*, use_numpy: bool = True) -> Frame:
    """Return the frame the golden files encode, built with the public API.

    A few fields come from numpy arrays; `use_numpy=False` builds them from lists (for a process without numpy).
    """
    if use_numpy:
        import numpy as np

        f32_nans: Any = np.array([NAN, INF, 1, -INF, 0], dtype=np.float32)
        f64_nans: Any = np.array([-INF, NAN, 0, NAN, INF])
        times: Any = np.array(TIMES, dtype="datetime64[ns]")
    else:
        f32_nans, f64_nans, times = (
            Field("f", [NAN, INF, 1.0, -INF, 0.0], type="float32"),
            [-INF, NAN, 0.0, NAN, INF],
            Field("t", TIMES, type="time"),
        )
    string_config = FieldConfig(
        display_name="Grafana ❤️ (Previous should be heart emoji) 🦥 (Previous should be sloth emoji)",
        filterable=False,
        decimals=2,
        min=NAN,
        max=INF,
        links=[
            DataLink(
                title="Donate - The Sloth Conservation Foundation",
                url="https://slothconservation.com/how-to-help/donate/",
                target_blank=True,
            )
        ],
        no_value="😤",
    )
    json_values = [{"a": 1}, [1, 2, 3], {"b": 2}, [{"c": 3}, {"d": 4}], {"e": {"f": 5}}]
    fields = [
        Field(
            "string_values",
            ["Go Min", "JS Min (for >= 64)", "0 / nil / misc", "JS Max (for >= 64)", "Go Max"],
            labels={"aLabelKey": "aLabelValue"},
            config=FieldConfig(),
        ),
        Field(
            "nullable_string_values",
            ["Grafana", "❤️", None, "🦥", "update your unicode/font if no sloth, is 2019."],
            labels={"aLabelKey": "aLabelValue", "bLabelKey": "bLabelValue"},
            config=string_config,
        ),
        *_pair("int8", _ints(8, 0), config=FieldConfig(min=0, max=1)),
        *_pair("int16", _ints(16, 0)),
        *_pair("int32", _ints(32, 1)),
        *_pair("int64", [-(2**63), -JS_MAX, 1, JS_MAX, 2**63 - 1]),
        *_pair("uint8", _uints(8)),
        *_pair("uint16", _uints(16)),
        *_pair("uint32", _uints(32)),
        *_pair("uint64", [0, 0, 1, JS_MAX, 2**64 - 1]),
        *_pair("float32", [F32_MIN, F32_MIN, 1.0, F32_MAX, F32_MAX]),
        Field("float32_values_nans", f32_nans),
        Field("nullable_float32_values_nans", [INF, NAN, None, -INF, 0.0], type="float32"),
        Field("float64_values", [5e-324, -JS_MAX, 1.0, JS_MAX, F64_MAX]),
        Field("float64_nans", f64_nans),
        Field("nullable_float64_values", [5e-324, -JS_MAX, None, F64_MAX, JS_MAX], type="float64"),
        Field("nullable_float64_values_nans", [-INF, 0.0, None, NAN, INF]),
        *_pair("bool", [True, False, True, True, False]),
        Field("timestamps", times, config=FieldConfig(interval=1000)),
        Field("timestamps", TIMES, type="time"),
        Field("nullable_timestamps", [*TIMES[:2], None, *TIMES[3:]], type="time", nullable=True),
        Field("json", json_values),
        Field("nullable_json", [*json_values[:2], None, *json_values[3:]]),
        Field(
            "enum",
            [1, 2, 2, 1, 1],
            type="enum",
            config=FieldConfig(enum=EnumConfig(text=["", "ONE", "TWO", "THREE"])),
        ),
        Field("nullable_enum", [1, 2, None, 3, 0], type="enum"),
    ]
    meta = FrameMeta(
        custom={"Hi": "there"},
        stats=[QueryStat("sample", 1.234)],
        channel="sample/channel/name",
        executed_query_string="SELECT * FROM table",
    )
    return Frame("many_types", *fields, ref_id="A", meta=meta)
