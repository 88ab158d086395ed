"""Terminal rendering of query results: exact tables and sparklines from frame JSON."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from rich.console import Console

from gpctl.dev import render_response, response_json, sparkline
from gpctl.sdk.data import Field, Frame


@dataclass
class Result:
    frames: list[Frame] = field(default_factory=list)
    status: int = 200
    error: str | None = None
    error_source: str | None = None


def _sample() -> Frame:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return Frame(
        "temperature",
        Field("time", [start + timedelta(minutes=i) for i in range(10)]),
        Field("value", [float(i * i % 7) for i in range(10)], labels={"city": "Oslo"}),
        Field("ok", [i % 2 == 0 for i in range(10)]),
        ref_id="A",
    )


def _text(response: dict[str, object]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, markup=False, highlight=False, color_system=None)
    for renderable in render_response(response):  # type: ignore[arg-type]
        console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def test_response_json_shape() -> None:
    response = response_json(
        {"B": Result([], 400, "Unknown city `Nowhere`.", "downstream"), "A": Result([_sample()])}
    )
    assert list(response["results"]) == ["A", "B"]
    assert response["results"]["B"] == {
        "error": "Unknown city `Nowhere`.",
        "errorSource": "downstream",
        "status": 400,
    }
    frame = response["results"]["A"]["frames"][0]
    assert response["results"]["A"]["status"] == 200
    assert frame["schema"]["fields"][0] == {
        "name": "time",
        "type": "time",
        "typeInfo": {"frame": "time.Time"},
    }
    assert frame["data"]["values"][1][:3] == [0.0, 1.0, 4.0]


def test_table_and_sparkline() -> None:
    response = response_json(
        {"A": Result([_sample()]), "B": Result([], 400, "Unknown city `Nowhere`.", "downstream")}
    )
    assert _text(response) == (
        "A: temperature (10 rows)\n"
        "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━┓\n"
        "┃ time                ┃ value {city=Oslo} ┃ ok    ┃\n"
        "┃ time.Time           ┃ float64           ┃ bool  ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━┩\n"
        "│ 2026-01-01 00:00:00 │ 0                 │ true  │\n"
        "│ 2026-01-01 00:01:00 │ 1                 │ false │\n"
        "│ 2026-01-01 00:02:00 │ 4                 │ true  │\n"
        "│ ...                 │ ...               │ ...   │\n"
        "│ 2026-01-01 00:07:00 │ 0                 │ false │\n"
        "│ 2026-01-01 00:08:00 │ 1                 │ true  │\n"
        "│ 2026-01-01 00:09:00 │ 4                 │ false │\n"
        "└─────────────────────┴───────────────────┴───────┘\n"
        "value  ▁▃█▅▅█▃▁▃█  min 0  max 4\n"
        "B: status 400 (downstream error): Unknown city `Nowhere`."
    )


def test_short_frame_nulls_and_no_frames() -> None:
    frame = Frame("", Field("name", ["a", None]), Field("n", [1, None]))
    response = response_json({"A": Result([frame]), "Z": Result()})
    assert _text(response) == (
        "A: frame 0 (2 rows)\n"
        "┏━━━━━━━━━┳━━━━━━━━┓\n"
        "┃ name    ┃ n      ┃\n"
        "┃ *string ┃ *int64 ┃\n"
        "┡━━━━━━━━━╇━━━━━━━━┩\n"
        "│ a       │ 1      │\n"
        "│ null    │ null   │\n"
        "└─────────┴────────┘\n"
        "Z: status 200, no frames"
    )


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([1, 1, 1]) == "▁▁▁"
    assert sparkline([0, None, 7]) == "▁ █"
    assert sparkline([float("nan"), 1.0]) == " ▁"
    assert sparkline(list(range(400)), width=8) == "▁▂▃▄▅▆▇█"


def test_status_line_and_log_lines() -> None:
    from gpctl.dev import DevStatus, format_log_line, format_status

    status = DevStatus("127.0.0.1:40613", "acme-devloop-datasource")
    assert format_status(status) == (
        "[starting] 127.0.0.1:40613  acme-devloop-datasource  reloads: 0  last reload: -  last error: none"
    )
    status = DevStatus(
        "127.0.0.1:40613",
        "acme-devloop-datasource",
        "error",
        3,
        datetime(2026, 1, 1, 10, 42, 7),
        38.4,
        "Boom.",
    )
    assert format_status(status) == (
        "[error] 127.0.0.1:40613  acme-devloop-datasource  reloads: 3  last reload: 10:42:07 (38 ms)  last error: Boom."
    )
    line = '{"@level":"warn","@message":"slow API","@timestamp":"2026-01-01T00:00:00.000000Z","@module":"p","ms":812}'
    assert format_log_line(line) == "WARN  slow API  ms=812"
    assert format_log_line("INFO  plain text") == "INFO  plain text"
