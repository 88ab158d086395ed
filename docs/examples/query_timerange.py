"""Grafana's time syntax, as `gpctl query --from/--to` reads it."""

from __future__ import annotations

from datetime import datetime, timezone

from gpctl.dev import parse_time, parse_time_range

now = datetime(2026, 3, 31, 14, 35, tzinfo=timezone.utc)

# Relative times: any number of +N/-N steps in y, M, w, d, h, m, s.
assert parse_time("now-6h", now=now) == datetime(2026, 3, 31, 8, 35, tzinfo=timezone.utc)
assert parse_time("now-1M", now=now) == datetime(2026, 2, 28, 14, 35, tzinfo=timezone.utc)

# "/unit" rounds: down for --from, up for --to. "now-1d/d" to "now-1d/d" is all of yesterday.
start, end = parse_time_range("now-1d/d", "now-1d/d", now=now)
assert start == datetime(2026, 3, 30, tzinfo=timezone.utc)
assert end == datetime(2026, 3, 30, 23, 59, 59, 999000, tzinfo=timezone.utc)

# Absolute times: epoch milliseconds or ISO 8601.
assert parse_time("1767225600000") == datetime(2026, 1, 1, tzinfo=timezone.utc)
assert parse_time("2026-01-01T00:00:00Z") == datetime(2026, 1, 1, tzinfo=timezone.utc)
print("time range examples OK")
