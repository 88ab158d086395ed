"""Grafana's time expressions for `gpctl query --from/--to`: `now`, `now-1h`, `now-1d/d`, epoch ms, ISO 8601.

Like Grafana's date math: units `y M w d h m s` (`H` = hours too), any number of `+N`/`-N` steps, and a final
`/unit` that rounds to the start of the unit for `--from` and to its end for `--to`. Rounding is done in UTC; weeks
start on Monday.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone

from gpctl.errors import DevError

__all__ = ["parse_time", "parse_time_range"]

_STEP = re.compile(r"([+-])(\d*)([yMwdhHms])|/([yMwdhHms])")
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "H": 3600, "m": 60, "s": 1}


def _bad(text: str) -> DevError:
    return DevError(
        f"Cannot read the time `{text}`; use `now`, `now-6h`, `now-1d/d`, epoch milliseconds or an ISO 8601 date."
    )


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _round(moment: datetime, unit: str, up: bool) -> datetime:
    if unit == "y":
        start = moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        end = _add_months(start, 12)
    elif unit == "M":
        start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = _add_months(start, 1)
    else:
        size = _SECONDS[unit]
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "w":
            start = midnight - timedelta(days=moment.weekday())
        elif unit == "d":
            start = midnight
        else:
            elapsed = int((moment - midnight).total_seconds()) // size * size
            start = midnight + timedelta(seconds=elapsed)
        end = start + timedelta(seconds=size)
    return end - timedelta(milliseconds=1) if up else start


def parse_time(text: str, *, now: datetime | None = None, round_up: bool = False) -> datetime:
    """Turn a Grafana time expression into an aware UTC datetime.

    Raises:
        DevError: the expression is not one Grafana understands.
    """
    value = text.strip()
    current = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000.0, timezone.utc)
    if not value.startswith("now"):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(text) from None
        return (
            parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
        )
    moment, rest, position = current, value[3:], 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            raise _bad(text)
        sign, amount, unit, round_unit = match.groups()
        if round_unit:
            moment = _round(moment, round_unit, round_up)
        else:
            count = int(amount or "1") * (1 if sign == "+" else -1)
            if unit in ("y", "M"):
                moment = _add_months(moment, count * (12 if unit == "y" else 1))
            else:
                moment += timedelta(seconds=count * _SECONDS[unit])
        position = match.end()
    return moment


def parse_time_range(start: str, end: str, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Parse `--from` and `--to` together (one `now`), as Grafana does.

    Raises:
        DevError: an expression is invalid, or the range ends before it starts.
    """
    current = now or datetime.now(timezone.utc)
    first = parse_time(start, now=current)
    last = parse_time(end, now=current, round_up=True)
    if first > last:
        raise DevError(f"The time range ends before it starts: `{start}` is after `{end}`.")
    return first, last
