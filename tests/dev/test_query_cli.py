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


def test_resource(run_cli, dev_server: RunningDev) -> None:  # type: ignore[no-untyped-def]
    root = str(dev_server.root)
    result = run_cli(
        "query", "--project", root, "--resource", "/echo?q=oslo", "--method", "POST", "--data", "hi"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == '200\n{\n  "method": "POST",\n  "q": "oslo",\n  "body": "hi"\n}\n'
    result = run_cli("query", "--project", root, "--resource", "/text")
    assert result.stdout == "200\nplain words\n"
    result = run_cli("query", "--project", root, "--resource", "/nope")
    assert result.exit_code == 1
    assert result.stdout.startswith("404\n")


def test_settings_and_time_range(run_cli, dev_server: RunningDev, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"jsonData": {"greeting": "hej"}, "secureJsonData": {"token": "s3cret"}}))
    result = run_cli(
        "query", "--project", str(dev_server.root), "--type", "settings", "--settings", str(settings),
        "--from", "1767225600000", "--to", "now", "--json", "{}",
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "")
    frame = json.loads(result.stdout)["results"]["A"]["frames"][0]
    assert frame["data"]["values"] == [["hej"], [True], [1767225600000]]
    result = run_cli(
        "query", "--project", str(dev_server.root), "--type", "settings", "--settings", str(settings),
        "--json-data", '{"greeting": "hallo"}', "--secure-json-data", '{"token": ""}', "--json",
    )  # fmt: skip
    frame = json.loads(result.stdout)["results"]["A"]["frames"][0]
    assert frame["data"]["values"][:2] == [["hallo"], [False]]


def test_exe_launched_as_grafana_does(run_cli, project_copy) -> None:  # type: ignore[no-untyped-def]
    import sys

    exe = project_copy / "dist" / "gpx_devloop_linux_amd64"
    exe.parent.mkdir()
    script = project_copy / "pkg" / "devloop" / "plugin.py"
    exe.write_text(
        f'#!/bin/sh\nPYTHONPATH="{project_copy / "pkg"}" exec "{sys.executable}" "{script}"\n',
        encoding="utf-8",
    )
    exe.chmod(0o755)
    result = run_cli("query", "--exe", str(exe), "--json", '{"points": 1}')
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["results"]["A"]["frames"][0]["data"]["values"][1:] == [[100.0], [1]]
    result = run_cli("query", "--exe", str(exe), "--health")
    assert result.stdout == "Health: OK: devloop version 1\n"
