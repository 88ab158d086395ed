"""Field: one named, typed column of a frame."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._types import FieldType

if TYPE_CHECKING:
    import numpy as np

    from gpctl.sdk.data._config import FieldConfig

__all__ = ["Field"]


class Field:
    """A named column of values of one Grafana field type.

    Values may be a list (None → null), a numpy array (any numeric dtype, `datetime64` of any unit, masked arrays),
    a pyarrow array or chunked array, a pandas Series (tz-aware times, nullable dtypes, categoricals), a polars
    Series, or another Field (to rename or relabel it). The type is inferred unless `type` is given (`"int8"`…
    `"uint64"`, `"float32"`, `"float64"`, `"string"`, `"bool"`, `"time"`, `"json"`, `"enum"` or a `FieldType`). Times are stored as UTC nanoseconds (naive datetimes
    count as UTC; integers with `type="time"` are nanoseconds since the epoch). Lists of dicts or lists become JSON
    fields; strings with `type="enum"` become enum indices with their labels in `config.enum.text`.

    `nullable` is decided once: True when the input declares nulls (masked arrays, pandas nullable dtypes) or holds
    any; pass `nullable=True` to force the nullable Go type, or `False` to reject nulls.

    Raises:
        FrameError: the values cannot be stored as a Grafana field; the message names the field and why.
    """

    __slots__ = ("_array", "_nullable", "_type", "config", "labels", "name")

    def __init__(
        self,
        name: str,
        values: Any,
        labels: Mapping[str, str] | None = None,
        config: FieldConfig | None = None,
        *,
        type: FieldType | str | None = None,
        nullable: bool | None = None,
    ) -> None:
        from gpctl.sdk.data._convert import convert

        if not isinstance(name, str):
            raise TypeError(f"Field name must be a string, not `{name!r}`.")
        try:
            ftype = None if type is None else FieldType.parse(type)
        except ValueError as exc:
            raise FrameError(f"Field `{name}`: {exc}") from None
        if isinstance(values, Field):  # a copy under another name, labels or config
            ftype = ftype or values.type
            nullable = values.nullable if nullable is None else nullable
            values = values.to_arrow()
        converted = convert(name, values, ftype, nullable)
        if converted.enum_text is not None:
            from gpctl.sdk.data._config import EnumConfig, FieldConfig

            config = config or FieldConfig()
            if config.enum is None or not config.enum.text:
                config = dataclasses.replace(config, enum=EnumConfig(text=converted.enum_text))
            else:
                converted.array = _remap_enum(name, converted.array, converted.enum_text, config.enum.text)
        self.name = name
        self.labels = _check_labels(name, labels)
        self.config = config
        self._array: Any = converted.array
        self._type = converted.type
        self._nullable = converted.nullable

    @classmethod
    def _from_arrow(
        cls,
        name: str,
        array: Any,
        ftype: FieldType,
        nullable: bool,
        labels: Mapping[str, str] | None = None,
        config: FieldConfig | None = None,
    ) -> Field:
        """Wrap an array that already has exactly the Arrow type of `ftype` (used by the decoders)."""
        self = cls.__new__(cls)
        self.name, self.labels, self.config = name, _check_labels(name, labels), config
        self._array, self._type, self._nullable = array, ftype, nullable
        return self

    @property
    def type(self) -> FieldType:
        """The Grafana field type."""
        return self._type

    @property
    def nullable(self) -> bool:
        """Whether the field has the nullable (pointer) Go type."""
        return self._nullable

    @property
    def values(self) -> list[Any]:
        """The values as a Python list (same as `to_pylist()`)."""
        return self.to_pylist()

    def to_pylist(self) -> list[Any]:
        """Return the values as Python objects: times as UTC `datetime` (µs precision), JSON decoded."""
        if self._type is FieldType.TIME:
            import pyarrow as pa

            return list(self._array.cast(pa.timestamp("us", tz="UTC"), safe=False).to_pylist())
        if self._type is FieldType.JSON:
            import json

            return [None if v is None else json.loads(v) for v in self._array.to_pylist()]
        return list(self._array.to_pylist())

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the values as a numpy array (times as `datetime64[ns]`; nulls as NaN, NaT or None)."""
        import numpy as np

        out: np.ndarray[Any, Any] = self._array.to_numpy(zero_copy_only=False)
        if self._type is FieldType.TIME:
            return out.astype("datetime64[ns]", copy=False)
        return np.asarray(out)

    def to_arrow(self) -> Any:
        """Return the values as a `pyarrow.Array` of the field's exact Arrow type."""
        return self._array

    def __len__(self) -> int:
        return len(self._array)

    def __repr__(self) -> str:
        null = ", nullable=True" if self._nullable else ""
        return f"Field({self.name!r}, type={self._type.value!r}{null}, rows={len(self)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Field):
            return NotImplemented
        from gpctl.sdk.data._compare import arrays_equal

        return (
            self.name == other.name
            and self._type is other._type
            and self._nullable == other._nullable
            and self.labels == other.labels
            and _config_dict(self.config) == _config_dict(other.config)
            and arrays_equal(self._array, other._array)
        )

    __hash__ = None  # type: ignore[assignment]


def _config_dict(config: FieldConfig | None) -> dict[str, Any] | None:
    return None if config is None else config.to_dict()


def _check_labels(name: str, labels: Mapping[str, str] | None) -> dict[str, str] | None:
    if labels is None:
        return None
    if not isinstance(labels, Mapping):
        raise FrameError(
            f"Labels of field `{name}` must be a mapping of strings, not `{type(labels).__name__}`."
        )
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise FrameError(
                f"Labels of field `{name}` must map strings to strings; got `{key!r}: {value!r}`."
            )
    return dict(labels)


def _remap_enum(name: str, indices: Any, found: list[str], text: list[str]) -> Any:
    import pyarrow as pa

    position = {label: i for i, label in enumerate(text)}
    missing = [label for label in found if label not in position]
    if missing:
        raise FrameError(f"Field `{name}` holds `{missing[0]}`, which is not among its enum labels.")
    lookup = pa.array([position[label] for label in found], type=pa.uint16())
    return lookup.take(indices)
