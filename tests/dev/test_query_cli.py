"""`gpctl query` against a running dev server: exact table and /api/ds/query JSON output."""

from __future__ import annotations

import json

from .conftest import RunningDev


def test_table(run_cli, dev_server: RunningDev) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "--dev", "--project", str(dev_server.root), '{"points": 8}')
    assert (result.exit_code, result.stderr) == (0, "")
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "A: series (8 rows)",
        "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┓",
        "┃ time                ┃ value   ┃ version ┃",
        "┃ time.Time           ┃ float64 ┃ int64   ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━┩",
        "│ 2026-01-01 00:00:00 │ 100     │ 1       │",
        "│ 2026-01-01 00:01:00 │ 101     │ 1       │",
        "│ 2026-01-01 00:02:00 │ 102     │ 1       │",
        "│ ...                 │ ...     │ ...     │",
        "│ 2026-01-01 00:05:00 │ 100     │ 1       │",
        "│ 2026-01-01 00:06:00 │ 101     │ 1       │",
        "│ 2026-01-01 00:07:00 │ 102     │ 1       │",
        "└─────────────────────┴─────────┴─────────┘",
        "value  ▁▃▅▆█▁▃▅  min 100  max 104",
        "version  ▁▁▁▁▁▁▁▁  min 1  max 1",
    ]


def test_json(run_cli, dev_server: RunningDev) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "--project", str(dev_server.root), "--json", "--ref", "Q", '{"points": 2}')
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "results": {
            "Q": {
                "status": 200,
                "frames": [
                    {
                        "schema": {
                            "name": "series",
                            "refId": "Q",
                            "fields": [
                                {"name": "time", "type": "time", "typeInfo": {"frame": "time.Time"}},
                                {"name": "value", "type": "number", "typeInfo": {"frame": "float64"}},
                                {"name": "version", "type": "number", "typeInfo": {"frame": "int64"}},
                            ],
                        },
                        "data": {"values": [[1767225600000, 1767225660000], [100.0, 101.0], [1, 1]]},
                    }
                ],
            }
        }
    }
    assert result.stdout.startswith('{\n  "results": {\n    "Q": {\n      "status": 200,\n')


def test_health(run_cli, dev_server: RunningDev) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "--project", str(dev_server.root), "--health")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Health: OK: devloop version 1\n", "")
