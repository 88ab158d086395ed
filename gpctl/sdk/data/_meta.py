"""FrameMeta, Notice and QueryStat: the `meta` document of a frame (frames.md §5.1, §5.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any

from gpctl.sdk.data._config import FieldConfig
from gpctl.sdk.data._errors import FrameError

__all__ = [
    "DataTopic",
    "FrameMeta",
    "FrameType",
    "InspectType",
    "Notice",
    "NoticeSeverity",
    "QueryStat",
    "VisType",
]


class FrameType(str, Enum):
    """The data shape a frame declares in `meta.type` (Grafana's dataplane contract)."""

    UNKNOWN = ""
    TIMESERIES_WIDE = "timeseries-wide"
    TIMESERIES_LONG = "timeseries-long"
    TIMESERIES_MANY = "timeseries-many"
    TIMESERIES_MULTI = "timeseries-multi"
    DIRECTORY_LISTING = "directory-listing"
    TABLE = "table"
    NUMERIC_WIDE = "numeric-wide"
    NUMERIC_MULTI = "numeric-multi"
    NUMERIC_LONG = "numeric-long"
    LOG_LINES = "log-lines"


class VisType(str, Enum):
    """The panel Grafana should prefer for a frame (`meta.preferredVisualisationType`)."""

    GRAPH = "graph"
    TABLE = "table"
    LOGS = "logs"
    TRACE = "trace"
    NODE_GRAPH = "nodeGraph"
    FLAME_GRAPH = "flamegraph"


class DataTopic(str, Enum):
    """What a frame is about when it is not plain data (`meta.dataTopic`)."""

    ANNOTATIONS = "annotations"


class NoticeSeverity(str, Enum):
    """How serious a notice is; written as a string."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class InspectType(IntEnum):
    """Which inspector tab a notice links to; written as a number, 0 omitted."""

    NONE = 0
    META = 1
    ERROR = 2
    DATA = 3
    STATS = 4


@dataclass
class Notice:
    """A message shown with the frame in Grafana."""

    text: str
    severity: NoticeSeverity = NoticeSeverity.INFO
    link: str = ""
    inspect: InspectType = InspectType.NONE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": NoticeSeverity(self.severity).value, "text": self.text}
        if self.link:
            out["link"] = self.link
        if self.inspect:
            out["inspect"] = int(self.inspect)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Notice:
        severity = data.get("severity", "info")
        if isinstance(severity, int):  # very old Go SDKs wrote the number
            severity = ("info", "warning", "error")[severity] if 0 <= severity <= 2 else "info"
        return cls(
            text=str(data.get("text", "")),
            severity=NoticeSeverity(severity),
            link=str(data.get("link", "")),
            inspect=InspectType(int(data.get("inspect") or 0)),
        )


@dataclass
class QueryStat:
    """A statistic about the query (shown in the inspector): `value` plus FieldConfig display settings."""

    display_name: str
    value: float
    config: FieldConfig | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.config.to_dict() if self.config is not None else {}
        out = {"displayName": self.display_name, **{k: v for k, v in out.items() if k != "displayName"}}
        out["value"] = self.value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueryStat:
        rest = {k: v for k, v in data.items() if k not in ("displayName", "value")}
        config = FieldConfig.from_dict(rest) if rest else None
        return cls(str(data.get("displayName", "")), float(data.get("value", 0.0)), config)


@dataclass
class FrameMeta:
    """Frame metadata as Grafana's `FrameMeta`; only `type_version` is always written."""

    type: FrameType | str = FrameType.UNKNOWN
    type_version: tuple[int, int] = (0, 0)
    path: str = ""
    path_separator: str = ""
    custom: Any = None
    stats: list[QueryStat] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    channel: str = ""
    preferred_visualisation_type: VisType | str = ""
    preferred_visualisation_plugin_id: str = ""
    executed_query_string: str = ""
    data_topic: DataTopic | str = ""
    unique_row_id_fields: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object Grafana expects, in the Go SDK's key order."""
        out: dict[str, Any] = {}
        if _text(self.type):
            out["type"] = _text(self.type)
        out["typeVersion"] = [int(self.type_version[0]), int(self.type_version[1])]
        if self.path:
            out["path"] = self.path
        if self.path_separator:
            out["pathSeparator"] = self.path_separator
        if self.custom is not None:
            out["custom"] = self.custom
        if self.stats:
            out["stats"] = [s.to_dict() for s in self.stats]
        if self.notices:
            out["notices"] = [n.to_dict() for n in self.notices]
        for key, value in (
            ("channel", self.channel),
            ("preferredVisualisationType", _text(self.preferred_visualisation_type)),
            ("preferredVisualisationPluginId", self.preferred_visualisation_plugin_id),
            ("executedQueryString", self.executed_query_string),
            ("dataTopic", _text(self.data_topic)),
        ):
            if value:
                out[key] = value
        if self.unique_row_id_fields:
            out["uniqueRowIdFields"] = list(self.unique_row_id_fields)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FrameMeta:
        """Read a FrameMeta JSON object; unknown frame types are kept as strings."""
        if not isinstance(data, Mapping):
            raise FrameError(f"Frame meta must be a JSON object, not `{type(data).__name__}`.")
        version = data.get("typeVersion") or [0, 0]
        return cls(
            type=_enum_or_text(FrameType, data.get("type", "")),
            type_version=(int(version[0]), int(version[1])),
            path=str(data.get("path", "")),
            path_separator=str(data.get("pathSeparator", "")),
            custom=data.get("custom"),
            stats=[QueryStat.from_dict(s) for s in data.get("stats") or []],
            notices=[Notice.from_dict(n) for n in data.get("notices") or []],
            channel=str(data.get("channel", "")),
            preferred_visualisation_type=_enum_or_text(VisType, data.get("preferredVisualisationType", "")),
            preferred_visualisation_plugin_id=str(data.get("preferredVisualisationPluginId", "")),
            executed_query_string=str(data.get("executedQueryString", "")),
            data_topic=_enum_or_text(DataTopic, data.get("dataTopic", "")),
            unique_row_id_fields=[int(i) for i in data.get("uniqueRowIdFields") or []],
        )


def _text(value: Enum | str) -> str:
    return str(value.value) if isinstance(value, Enum) else value


def _enum_or_text(enum: type[Enum], value: Any) -> Any:
    text = str(value or "")
    try:
        return enum(text)
    except ValueError:
        return text
