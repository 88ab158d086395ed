"""Choose field types explicitly: integers, times, JSON values and enums."""

from __future__ import annotations

from gpctl.sdk.data import EnumConfig, Field, FieldConfig, FieldType, Frame

status = Field("status", ["up", "down", "up", None], type="enum")  # strings become indices + labels
assert status.type is FieldType.ENUM
assert status.values == [0, 1, 0, None]
assert status.config is not None and status.config.enum == EnumConfig(text=["up", "down"])

fixed = Field(
    "level",
    ["HIGH", "LOW"],
    type="enum",
    config=FieldConfig(
        enum=EnumConfig(text=["LOW", "HIGH"], color=["green", "red"])
    ),  # map onto given labels
)
assert fixed.values == [1, 0]

frame = Frame(
    "types",
    Field("id", [1, 2, 3, 4], type="uint16"),
    Field("at", [0, 1_000, 2_000, 3_000], type="time"),  # integers with type="time" are ns since the epoch
    Field("payload", [{"a": 1}, [1, 2], None, "text"]),  # dicts/lists make a JSON field
    status,
)
assert [f.type.value for f in frame.fields] == ["uint16", "time.Time", "json.RawMessage", "enum"]
assert Frame.from_arrow_bytes(frame.to_arrow()).field("payload").values == [{"a": 1}, [1, 2], None, "text"]
