"""One query of a QueryData request and one query's result: `DataQuery`, `TimeRange`, `DataResponse`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from gpctl.sdk.data import Frame

__all__ = ["DataQuery", "DataResponse", "QueryDataRequest", "TimeRange"]

M = TypeVar("M")


@dataclass(frozen=True)
class TimeRange:
    """The dashboard's time range, in epoch milliseconds and as UTC datetimes."""

    from_ms: int
    to_ms: int

    @property
    def from_(self) -> datetime:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(self.from_ms / 1000, timezone.utc)

    @property
    def to(self) -> datetime:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(self.to_ms / 1000, timezone.utc)

    @property
    def duration(self) -> timedelta:
        from datetime import timedelta

        return timedelta(milliseconds=self.to_ms - self.from_ms)


@dataclass(frozen=True)
class DataQuery(Generic[M]):
    """One query: `model` is its JSON parsed into the registered dataclass (the raw dict without one)."""

    ref_id: str
    model: M
    query_type: str = ""
    time_range: TimeRange = field(default_factory=lambda: TimeRange(0, 0))
    interval_ms: int = 0
    max_data_points: int = 0
    json: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def interval(self) -> timedelta:
        from datetime import timedelta

        return timedelta(milliseconds=self.interval_ms)


@dataclass(frozen=True)
class DataResponse:
    """One query's result: frames, or an error with its HTTP-like status and source (`plugin`/`downstream`)."""

    frames: Sequence[Frame] = ()
    error: str | None = None
    status: int = 0
    error_source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", list(self.frames))
        if self.status == 0:
            object.__setattr__(self, "status", 500 if self.error else 200)
        if not 100 <= self.status <= 599:
            raise ValueError(f"A data response status must be between 100 and 599, not `{self.status}`.")
        if self.error and not self.error_source:
            object.__setattr__(self, "error_source", "plugin")
        if self.error_source not in ("", "plugin", "downstream"):
            raise ValueError(f"Error source must be `plugin` or `downstream`, not `{self.error_source}`.")


@dataclass(frozen=True)
class QueryDataRequest:
    """A whole QueryData batch, for `@ds.query_data` handlers (models are the raw JSON dicts)."""

    queries: Sequence[DataQuery[dict[str, Any]]]
    headers: Mapping[str, str] = field(default_factory=dict)
