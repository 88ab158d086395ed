"""Field types of Grafana data frames and their names on the wire (frames.md §4.1)."""

from __future__ import annotations

from enum import Enum

__all__ = ["FieldType"]


class FieldType(str, Enum):
    """The type of a field's values; the value is the Go SDK item type name used in JSON `typeInfo.frame`."""

    INT8 = "int8"
    INT16 = "int16"
    INT32 = "int32"
    INT64 = "int64"
    UINT8 = "uint8"
    UINT16 = "uint16"
    UINT32 = "uint32"
    UINT64 = "uint64"
    FLOAT32 = "float32"
    FLOAT64 = "float64"
    STRING = "string"
    BOOL = "bool"
    TIME = "time.Time"
    JSON = "json.RawMessage"
    ENUM = "enum"

    @property
    def tstype(self) -> str:
        """The `tstype` field metadata and JSON schema `type` for this field type."""
        return _TSTYPES.get(self, "number")

    @property
    def is_numeric(self) -> bool:
        """Whether the values are integers or floats (enums excluded)."""
        return _TSTYPES.get(self, "number") == "number"

    @classmethod
    def parse(cls, value: str | FieldType) -> FieldType:
        """Return the field type named `value`, accepting the Go names and the usual aliases.

        Raises:
            ValueError: `value` names no field type.
        """
        if isinstance(value, FieldType):
            return value
        key = value.strip().lstrip("*").lower()
        found = _ALIASES.get(key)
        if found is None:
            for member in cls:
                if member.value.lower() == key:
                    return member
            names = ", ".join(f"`{m.value}`" for m in cls)
            raise ValueError(f"Unknown field type `{value}`; use one of {names}.")
        return found


_TSTYPES = {
    FieldType.STRING: "string",
    FieldType.BOOL: "boolean",
    FieldType.TIME: "time",
    FieldType.JSON: "other",
    FieldType.ENUM: "enum",
}

_ALIASES = {
    "int": FieldType.INT64,
    "float": FieldType.FLOAT64,
    "double": FieldType.FLOAT64,
    "boolean": FieldType.BOOL,
    "time": FieldType.TIME,
    "timestamp": FieldType.TIME,
    "json": FieldType.JSON,
    "str": FieldType.STRING,
}
