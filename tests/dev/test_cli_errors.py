"""`gpctl dev` and `gpctl query` refuse bad input with one exact sentence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "devloop"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "devloop"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def test_query_without_dev_server(run_cli, project: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", '{"points": 2}')
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: No dev server is running: `{project / 'dist' / 'standalone.txt'}` does not exist. "
        "Start one with `gpctl dev`.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not json"], "The query model is not valid JSON: Expecting value at column 1."),
        (["[1, 2]"], 'The query model must be a JSON object such as `{"city": "Oslo"}`, not `[1, 2]`.'),
        (["--json-data", "[1]"], "`--json-data` must be a JSON object, not `[1]`."),
        (["--secure-json-data", '{"token": 1}'], "Every `secureJsonData` value must be a string."),
        (
            ["--from", "yesterday", "{}"],
            "Cannot read the time `yesterday`; use `now`, `now-6h`, `now-1d/d`, epoch milliseconds or an ISO 8601 date.",
        ),
    ],
)
def test_query_bad_input(run_cli, project: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", *args)
    assert (result.exit_code, result.stderr) == (1, f"error: {message}\n")


def test_query_settings_file_errors(run_cli, project: Path) -> None:  # type: ignore[no-untyped-def]
    bad = project / "settings.json"
    bad.write_text(json.dumps({"jsonData": {}, "password": "x"}))
    result = run_cli("query", "--settings", str(bad))
    assert result.stderr == (
        f"error: Settings file `{bad}` must be an object with only `jsonData` and `secureJsonData` keys.\n"
    )
    result = run_cli("query", "--settings", str(project / "missing.json"))
    assert result.stderr == f"error: Settings file `{project / 'missing.json'}` does not exist.\n"
    bad.write_text(json.dumps({"secureJsonData": {"token": 1}}))
    result = run_cli("query", "--settings", str(bad))
    assert result.stderr == f"error: Every `secureJsonData` value in `{bad}` must be a string.\n"


def test_query_exe_missing(run_cli, project: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "--exe", "dist/gpx_nope")
    assert result.stderr == f"error: Plugin executable `{project / 'dist' / 'gpx_nope'}` does not exist.\n"


def test_dev_needs_a_backend_plugin(run_cli, project: Path) -> None:  # type: ignore[no-untyped-def]
    plugin_json = project / "src" / "plugin.json"
    data = json.loads(plugin_json.read_text())
    del data["executable"]
    plugin_json.write_text(json.dumps(data))
    result = run_cli("dev")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: `{plugin_json}` has no `executable`; `gpctl dev` needs a backend plugin. "
        'Add `"backend": true` and `"executable": "gpx_<name>"` to plugin.json.\n'
    )


def test_dev_outside_a_project(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = run_cli("dev")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: No plugin project at `{tmp_path.resolve()}`")


def test_dev_frontend_needs_package_json(run_cli, project: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("dev", "--frontend", "--no-kill-stale")
    assert result.exit_code == 1
    assert result.stderr == f"error: `--frontend` needs a package.json; `{project}` has none.\n"
    assert list((project / "dist").iterdir()) == []  # nothing left behind
