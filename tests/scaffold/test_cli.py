"""`gpctl new` through the real CLI entry point: exact output and exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunCli = Callable[..., Any]

NEXT_STEPS = """
Next steps:
  cd {shown}
  python -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"
  python -m pytest                  run the backend's tests
  npm install && npm run build      build the frontend into dist/
  gpctl dev                         run the backend for Grafana, reloading on every save
  gpctl query --help                ask the backend a question without Grafana
  gpctl build --target linux/amd64  build the plugin into dist/ for Grafana
"""


def test_new_datasource_no_input(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "datasource", "weather", "--name", "Weather", "--org", "acme", "--no-input")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        f"Created acme-weather-datasource (datasource) in {tmp_path / 'weather'}\n"
        + NEXT_STEPS.format(shown="weather")
    )
    assert (
        json.loads((tmp_path / "weather" / "src" / "plugin.json").read_text())["id"]
        == "acme-weather-datasource"
    )


def test_default_directory_is_the_plugin_id(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "app", "--name", "Weather", "--org", "acme", "--no-input")
    assert result.exit_code == 0
    assert (
        result.stdout.splitlines()[0] == f"Created acme-weather-app (app) in {tmp_path / 'acme-weather-app'}"
    )
    assert (tmp_path / "acme-weather-app" / "pkg" / "weather" / "plugin.py").is_file()


def test_bad_name(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("new", "datasource", str(tmp_path / "x"), "--name", "!!!", "--org", "acme", "--no-input")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: The plugin name `!!!` has no letters or digits; pass a name such as `--name Weather`.\n"
    )
    assert not (tmp_path / "x").exists()


def test_bad_org(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(
        "new", "datasource", str(tmp_path / "x"), "--name", "Weather", "--org", "@#", "--no-input"
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: The organization `@#` has no letters or digits; "
        "pass your grafana.com organization slug, e.g. `--org acme`.\n"
    )


def test_missing_name_with_no_input(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("new", "app", str(tmp_path / "x"), "--org", "acme", "--no-input")
    assert result.exit_code == 1
    assert result.stderr == "error: The plugin name is missing; pass `--name`.\n"


def test_existing_directory(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    result = run_cli("new", "datasource", str(target), "--name", "Weather", "--org", "acme", "--no-input")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: Directory `{target}` is not empty; pass --force to overwrite.\n"

    forced = run_cli(
        "new", "datasource", str(target), "--name", "Weather", "--org", "acme", "--no-input", "--force"
    )
    assert forced.exit_code == 0
    assert (target / "keep.txt").read_text() == "x"
    assert (target / "src" / "plugin.json").is_file()


def test_unknown_template(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("new", "panel", str(tmp_path / "x"), "--name", "Weather", "--org", "acme")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr == "error: Unknown template `panel`; choose one of `datasource`, `app`, `streaming`.\n"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_prompts_ask_for_what_flags_leave_out(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("!!!\nSky Watch\n\n"))
    result = run_cli("new", "datasource", str(tmp_path / "sky"), "--org", "acme")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "error: The plugin name `!!!` has no letters or digits; pass a name such as `--name Weather`.\n"
    )
    assert result.stdout.startswith(
        "Plugin name: Plugin name: Description (Sky Watch data source for Grafana, with a Python backend.): "
        f"Created acme-skywatch-datasource (datasource) in {tmp_path / 'sky'}\n"
    )
    answers = json.loads((tmp_path / "sky" / ".gpctl-answers.json").read_text())["answers"]
    assert answers == {
        "name": "Sky Watch",
        "org": "acme",
        "description": "Sky Watch data source for Grafana, with a Python backend.",
    }


def test_end_of_input_at_a_prompt(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(""))
    result = run_cli("new", "app", str(tmp_path / "x"), "--name", "Weather")
    assert result.exit_code == 1
    assert result.stderr == "error: No answer for the organization; pass `--org`.\n"
    assert not (tmp_path / "x").exists()


def test_new_in_the_current_directory(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "app", ".", "--name", "Dot", "--org", "acme", "--no-input")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        f"Created acme-dot-app (app) in {tmp_path}",
        "",
        "Next steps:",
        '  python -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"',
    ]
    assert (tmp_path / "src" / "plugin.json").is_file()
