"""Show query results in a terminal: a table per frame (names, types, first and last rows) and a sparkline.

Works on Grafana's frame JSON (`{"schema": ..., "data": ...}`, frames.md §6), the same document `--json` prints, so
what the table shows is exactly what Grafana would receive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gpctl.dev._server import DevStatus

__all__ = ["EDGE_ROWS", "format_log_line", "format_status", "format_value", "render_response", "sparkline"]

EDGE_ROWS = 3
"""Rows shown from the start and from the end of a long frame."""
_BARS = "▁▂▃▄▅▆▇█"
_SPARK_WIDTH = 40
_NUMERIC = {"number"}


def sparkline(values: Sequence[float | None], width: int = _SPARK_WIDTH) -> str:
    """Draw `values` as block characters, averaged down to at most `width` cells; gaps become spaces."""
    if not values:
        return ""
    cells: list[float | None] = []
    for index in range(min(width, len(values))):
        lo = index * len(values) // min(width, len(values))
        hi = max(lo + 1, (index + 1) * len(values) // min(width, len(values)))
        chunk = [v for v in values[lo:hi] if v is not None and math.isfinite(v)]
        cells.append(sum(chunk) / len(chunk) if chunk else None)
    present = [c for c in cells if c is not None]
    if not present:
        return " " * len(cells)
    low, high = min(present), max(present)
    span = high - low
    return "".join(
        " " if c is None else _BARS[0 if span == 0 else round((c - low) / span * (len(_BARS) - 1))]
        for c in cells
    )


def format_value(value: Any, field_type: str) -> str:
    """Format one frame JSON value for the table (times in UTC, floats compactly)."""
    if value is None:
        return "null"
    if field_type == "time" and isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value / 1000.0, timezone.utc)
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        return text + (f".{int(value) % 1000:03d}" if int(value) % 1000 else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _columns(frame: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    fields = list(frame.get("schema", {}).get("fields", []))
    data = frame.get("data", {})
    values = [list(column) for column in data.get("values", [])]
    for slot, entity in zip(values, data.get("entities") or [], strict=False):
        for key, number in (("NaN", math.nan), ("Inf", math.inf), ("NegInf", -math.inf)):
            for row in (entity or {}).get(key, []):
                slot[row] = number
    while len(values) < len(fields):
        values.append([])
    return fields, values


def _type_name(field: Mapping[str, Any]) -> str:
    info = field.get("typeInfo", {})
    name = str(info.get("frame", field.get("type", "")))
    return f"*{name}" if info.get("nullable") else name


def _frame_renderables(ref_id: str, index: int, frame: Mapping[str, Any]) -> list[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    fields, values = _columns(frame)
    rows = max((len(column) for column in values), default=0)
    name = frame.get("schema", {}).get("name") or f"frame {index}"
    table = Table(title=f"{ref_id}: {name} ({rows} rows)", title_justify="left", show_lines=False)
    for field in fields:
        label = str(field.get("name", ""))
        if field.get("labels"):
            label += " {" + ", ".join(f"{k}={v}" for k, v in sorted(field["labels"].items())) + "}"
        table.add_column(f"{label}\n{_type_name(field)}", no_wrap=True)
    shown = (
        list(range(rows))
        if rows <= 2 * EDGE_ROWS
        else [*range(EDGE_ROWS), -1, *range(rows - EDGE_ROWS, rows)]
    )
    for row in shown:
        if row < 0:
            table.add_row(*["..."] * len(fields))
            continue
        table.add_row(
            *[
                format_value(column[row] if row < len(column) else None, str(field.get("type", "")))
                for field, column in zip(fields, values, strict=False)
            ]
        )
    out: list[RenderableType] = [table]
    if fields and fields[0].get("type") == "time" and rows > 1:
        for field, column in zip(fields[1:], values[1:], strict=False):
            if field.get("type") in _NUMERIC:
                numbers = [float(v) if isinstance(v, (int, float)) else None for v in column]
                present = [v for v in numbers if v is not None and math.isfinite(v)]
                low, high = (format_value(min(present), "number"), format_value(max(present), "number"))
                line = (
                    f"{field.get('name', '')}  {sparkline(numbers)}  min {low}  max {high}" if present else ""
                )
                if line:
                    out.append(Text(line))
    return out


def render_response(response: Mapping[str, Any]) -> list[RenderableType]:
    """Turn an `/api/ds/query`-shaped response into rich renderables: errors, then a table per frame."""
    from rich.text import Text

    out: list[RenderableType] = []
    for ref_id, result in response.get("results", {}).items():
        if result.get("error"):
            source = f" ({result['errorSource']} error)" if result.get("errorSource") else ""
            out.append(Text(f"{ref_id}: status {result.get('status')}{source}: {result['error']}"))
        frames = result.get("frames") or []
        if not frames and not result.get("error"):
            out.append(Text(f"{ref_id}: status {result.get('status')}, no frames"))
        for index, frame in enumerate(frames):
            out.extend(_frame_renderables(ref_id, index, frame))
    return out


def format_status(status: DevStatus) -> str:
    """Render the one-line status: address, plugin id, reload count, last reload, last error."""
    last = "-"
    if status.last_reload_at is not None:
        last = status.last_reload_at.strftime("%H:%M:%S")
        if status.last_reload_ms is not None:
            last += f" ({status.last_reload_ms:.0f} ms)"
    error = status.last_error or "none"
    return (
        f"[{status.state}] {status.address}  {status.plugin_id}  reloads: {status.reloads}  "
        f"last reload: {last}  last error: {error}"
    )


def format_log_line(line: str) -> str:
    """Show an hclog JSON line from the plugin as `LEVEL message key=value ...`; other lines unchanged."""
    import json

    try:
        entry = json.loads(line)
    except ValueError:
        return line
    if not isinstance(entry, dict) or "@message" not in entry:
        return line
    level = str(entry.get("@level", "info")).upper()
    extras = " ".join(f"{k}={v}" for k, v in entry.items() if not k.startswith("@"))
    return f"{level:<5} {entry['@message']}" + (f"  {extras}" if extras else "")
