"""FieldConfig: per-field display settings stored in the `config` field metadata (frames.md §5.2)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gpctl.sdk.data._errors import FrameError

__all__ = ["DataLink", "EnumConfig", "FieldConfig", "Threshold", "Thresholds"]


def conf_float(value: float | None) -> float | None:
    """Encode a Go `ConfFloat64`: NaN and infinities become JSON `null`."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return value


def _unconf_float(value: Any, default: float) -> float:
    return default if value is None else float(value)


@dataclass
class DataLink:
    """A link shown on a field's values."""

    title: str = ""
    url: str = ""
    target_blank: bool = False
    internal: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.title:
            out["title"] = self.title
        if self.target_blank:
            out["targetBlank"] = True
        if self.url:
            out["url"] = self.url
        if self.internal is not None:
            out["internal"] = self.internal
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataLink:
        return cls(
            title=str(data.get("title", "")),
            url=str(data.get("url", "")),
            target_blank=bool(data.get("targetBlank", False)),
            internal=data.get("internal"),
        )


@dataclass
class Threshold:
    """One threshold step; `value` −Inf (the base step) is written as `null`."""

    value: float
    color: str
    state: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": conf_float(self.value), "color": self.color}
        if self.state:
            out["state"] = self.state
        return out


@dataclass
class Thresholds:
    """Threshold steps with a mode (`absolute` or `percentage`)."""

    steps: list[Threshold] = field(default_factory=list)
    mode: str = "absolute"

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Thresholds:
        steps = [
            Threshold(
                _unconf_float(s.get("value"), -math.inf), str(s.get("color", "")), str(s.get("state", ""))
            )
            for s in data.get("steps") or []
        ]
        return cls(steps=steps, mode=str(data.get("mode", "absolute")))


@dataclass
class EnumConfig:
    """The labels of an enum field: value `i` is shown as `text[i]`."""

    text: list[str] = field(default_factory=list)
    color: list[str] = field(default_factory=list)
    icon: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        keys = ("text", "color", "icon", "description")
        return {k: list(getattr(self, k)) for k in keys if getattr(self, k)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnumConfig:
        return cls(*(list(data.get(k) or []) for k in ("text", "color", "icon", "description")))


@dataclass
class FieldConfig:
    """Display settings of a field, as Grafana's `FieldConfig` (keys omitted when empty).

    `min`/`max` accept NaN or infinities, written as `null`; `filterable` and `writeable` keep an explicit `False`.
    `mappings`, `color` and `custom` are plain JSON values.
    """

    display_name: str = ""
    display_name_from_ds: str = ""
    path: str = ""
    description: str = ""
    filterable: bool | None = None
    writeable: bool | None = None
    unit: str = ""
    decimals: int | None = None
    min: float | None = None
    max: float | None = None
    interval: float = 0.0
    mappings: list[Any] = field(default_factory=list)
    thresholds: Thresholds | None = None
    color: dict[str, Any] = field(default_factory=dict)
    links: list[DataLink] = field(default_factory=list)
    no_value: str = ""
    enum: EnumConfig | None = None
    custom: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object Grafana expects, in the Go SDK's key order."""
        out: dict[str, Any] = {}
        for key, attr in _STRING_KEYS[:4]:
            if getattr(self, attr):
                out[key] = getattr(self, attr)
        if self.filterable is not None:
            out["filterable"] = self.filterable
        if self.writeable is not None:
            out["writeable"] = self.writeable
        if self.unit:
            out["unit"] = self.unit
        if self.decimals is not None:
            out["decimals"] = self.decimals
        if self.min is not None:
            out["min"] = conf_float(self.min)
        if self.max is not None:
            out["max"] = conf_float(self.max)
        if self.interval:
            out["interval"] = self.interval
        if self.mappings:
            out["mappings"] = self.mappings
        if self.thresholds is not None:
            out["thresholds"] = self.thresholds.to_dict()
        if self.color:
            out["color"] = self.color
        if self.links:
            out["links"] = [link.to_dict() for link in self.links]
        if self.no_value:
            out["noValue"] = self.no_value
        if self.enum is not None:
            out["type"] = {"enum": self.enum.to_dict()}
        if self.custom:
            out["custom"] = self.custom
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldConfig:
        """Read a FieldConfig JSON object; `null` for `min`/`max` reads back as NaN, as in Go."""
        if not isinstance(data, Mapping):
            raise FrameError(f"Field config must be a JSON object, not `{type(data).__name__}`.")
        kwargs: dict[str, Any] = {attr: str(data[key]) for key, attr in _STRING_KEYS if key in data}
        for key in ("filterable", "writeable"):
            if data.get(key) is not None:
                kwargs[key] = bool(data[key])
        if data.get("decimals") is not None:
            kwargs["decimals"] = int(data["decimals"])
        for key in ("min", "max"):
            if key in data:
                kwargs[key] = _unconf_float(data[key], math.nan)
        if data.get("interval"):
            kwargs["interval"] = float(data["interval"])
        kwargs["mappings"] = list(data.get("mappings") or [])
        if data.get("thresholds") is not None:
            kwargs["thresholds"] = Thresholds.from_dict(data["thresholds"])
        kwargs["color"] = dict(data.get("color") or {})
        kwargs["links"] = [DataLink.from_dict(link) for link in data.get("links") or []]
        enum = (data.get("type") or {}).get("enum")
        if enum is not None:
            kwargs["enum"] = EnumConfig.from_dict(enum)
        kwargs["custom"] = dict(data.get("custom") or {})
        return cls(**kwargs)


_STRING_KEYS: Sequence[tuple[str, str]] = (
    ("displayName", "display_name"),
    ("displayNameFromDS", "display_name_from_ds"),
    ("path", "path"),
    ("description", "description"),
    ("unit", "unit"),
    ("noValue", "no_value"),
)
