"""Grafana time expressions for `gpctl query --from/--to`."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from gpctl.dev._timerange import parse_time, parse_time_range
from gpctl.errors import DevError

NOW = datetime(2026, 3, 31, 14, 35, 12, 345000, tzinfo=timezone.utc)  # a Tuesday


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "round_up", "expected"),
    [
        ("now", False, NOW),
        ("now-1h", False, _utc(2026, 3, 31, 13, 35, 12, 345000)),
        ("now-15m", False, _utc(2026, 3, 31, 14, 20, 12, 345000)),
        ("now+30s", False, _utc(2026, 3, 31, 14, 35, 42, 345000)),
        ("now-7d", False, _utc(2026, 3, 24, 14, 35, 12, 345000)),
        ("now-1M", False, _utc(2026, 2, 28, 14, 35, 12, 345000)),
        ("now-1y", False, _utc(2025, 3, 31, 14, 35, 12, 345000)),
        ("now-2w", False, _utc(2026, 3, 17, 14, 35, 12, 345000)),
        ("now/d", False, _utc(2026, 3, 31)),
        ("now/d", True, _utc(2026, 3, 31, 23, 59, 59, 999000)),
        ("now-1d/d", False, _utc(2026, 3, 30)),
        ("now/w", False, _utc(2026, 3, 30)),
        ("now/M", True, _utc(2026, 3, 31, 23, 59, 59, 999000)),
        ("now/y", False, _utc(2026, 1, 1)),
        ("now/h", False, _utc(2026, 3, 31, 14)),
        ("now-1h/m", False, _utc(2026, 3, 31, 13, 35)),
        ("1700000000000", False, _utc(2023, 11, 14, 22, 13, 20)),
        ("2026-01-02T03:04:05Z", False, _utc(2026, 1, 2, 3, 4, 5)),
        ("2026-01-02", False, _utc(2026, 1, 2)),
    ],
)
def test_parse_time(text: str, round_up: bool, expected: datetime) -> None:
    assert parse_time(text, now=NOW, round_up=round_up) == expected


@pytest.mark.parametrize("text", ["yesterday", "now-1x", "now-", "now/q", "now - 1h"])
def test_bad_time(text: str) -> None:
    with pytest.raises(DevError) as info:
        parse_time(text, now=NOW)
    assert info.value.message == (
        f"Cannot read the time `{text}`; use `now`, `now-6h`, `now-1d/d`, epoch milliseconds or an ISO 8601 date."
    )


def test_range_uses_one_now_and_rounds_the_end_up() -> None:
    assert parse_time_range("now-1d/d", "now-1d/d", now=NOW) == (
        _utc(2026, 3, 30),
        _utc(2026, 3, 30, 23, 59, 59, 999000),
    )
    with pytest.raises(DevError) as info:
        parse_time_range("now", "now-1h", now=NOW)
    assert info.value.message == "The time range ends before it starts: `now` is after `now-1h`."
