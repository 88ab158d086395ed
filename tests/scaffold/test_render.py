"""Render every template with real cookiecutter into tmp_path; check files, plugin.json and recorded answers."""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
from pathlib import Path

import pytest

from gpctl import __version__
from gpctl.errors import TemplateError
from gpctl.project import Project
from gpctl.scaffold import ANSWERS_FILE, render
from gpctl.validate import plugin_json_errors

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

COMMON_FILES = {
    ".config/build.mjs",
    ".github/workflows/ci.yml",
    ".github/workflows/build.yml",
    ".gitignore",
    ".gpctl-answers.json",
    "CHANGELOG.md",
    "LICENSE",
    "README.md",
    "docker-compose.yaml",
    "package.json",
    "pkg/weather/__init__.py",
    "pkg/weather/plugin.py",
    "pyproject.toml",
    "src/img/logo.svg",
    "src/plugin.json",
    "tests/test_plugin.py",
    "tsconfig.json",
}
DATASOURCE_FILES = {
    "provisioning/datasources/datasources.yml",
    "src/components/ConfigEditor.tsx",
    "src/components/QueryEditor.tsx",
    "src/datasource.ts",
    "src/module.ts",
    "src/types.ts",
}
EXPECTED_FILES = {
    "datasource": COMMON_FILES | DATASOURCE_FILES,
    "streaming": COMMON_FILES | DATASOURCE_FILES,
    "app": COMMON_FILES
    | {
        "provisioning/plugins/apps.yaml",
        "src/components/App.tsx",
        "src/components/AppConfig.tsx",
        "src/module.tsx",
    },
}
IDS = {
    "datasource": "acme-weather-datasource",
    "streaming": "acme-weather-datasource",
    "app": "acme-weather-app",
}
ANSWERS = {"name": "Weather", "org": "acme"}


def files_of(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("kind", ["datasource", "app", "streaming"])
def test_template_renders_the_expected_project(kind: str, tmp_path: Path) -> None:
    project = render(kind, tmp_path / "weather", ANSWERS)

    assert project == tmp_path / "weather"
    assert files_of(project) == EXPECTED_FILES[kind]
    plugin_json = json.loads((project / "src" / "plugin.json").read_text())
    assert plugin_json_errors(plugin_json) == []
    assert plugin_json["id"] == IDS[kind]
    assert plugin_json["executable"] == "gpx_weather"
    assert plugin_json["backend"] is True
    assert plugin_json["dependencies"]["grafanaDependency"] == ">=12.3.0"
    if kind != "app":
        assert plugin_json["alerting"] is True
    assert plugin_json.get("streaming", False) is (kind == "streaming")
    loaded = Project.find(project)
    assert loaded.plugin_ref == ("weather.plugin:app" if kind == "app" else "weather.plugin:ds")
    assert loaded.source_dir == project / "pkg"
    assert loaded.plugin_id == IDS[kind]
    assert (project / "src" / "components").is_dir()
    assert "{{" not in (project / "pyproject.toml").read_text()
    assert "cookiecutter" not in (project / "README.md").read_text()


@pytest.mark.parametrize("kind", ["datasource", "app", "streaming"])
def test_generated_files_parse(kind: str, tmp_path: Path) -> None:
    import yaml

    project = render(kind, tmp_path / "p", {**ANSWERS, "description": 'Says "hi" & more'})
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == IDS[kind]
    assert pyproject["project"]["description"] == 'Says "hi" & more'
    assert pyproject["project"]["dependencies"][0] == f"gpctl>={__version__}"
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["pkg/weather"]
    package = json.loads((project / "package.json").read_text())
    assert package["description"] == 'Says "hi" & more'
    assert package["scripts"]["build"] == "node .config/build.mjs --production"
    assert set(package["devDependencies"]) == {"esbuild", "typescript", "@types/react"}
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
        assert yaml.safe_load(path.read_text()), path
    compose = yaml.safe_load((project / "docker-compose.yaml").read_text())
    environment = compose["services"]["grafana"]["environment"]
    assert environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"] == IDS[kind]
    assert f"./dist:/var/lib/grafana/plugins/{IDS[kind]}" in compose["services"]["grafana"]["volumes"]
    release = yaml.safe_load((project / ".github" / "workflows" / "build.yml").read_text())
    targets = [entry["target"] for entry in release["jobs"]["backend"]["strategy"]["matrix"]["include"]]
    assert targets == ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"]
    ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    commands = "\n".join(step.get("run", "") for step in ci["jobs"]["test"]["steps"])
    for command in (
        "python -m pytest",
        "npm run build",
        "gpctl build --target linux/amd64",
        "gpctl validate dist",
    ):
        assert command in commands
    for path in project.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_answers_are_recorded(tmp_path: Path) -> None:
    project = render(
        "datasource", tmp_path / "w", {"name": "Weather", "org": "acme", "description": "Forecasts."}
    )
    recorded = json.loads((project / ANSWERS_FILE).read_text())
    files = recorded.pop("files")
    assert recorded == {
        "template": "datasource",
        "gpctl_version": __version__,
        "answers": {"name": "Weather", "org": "acme", "description": "Forecasts."},
        "plugin_id": "acme-weather-datasource",
        "year": str(datetime.date.today().year),
    }
    assert list(files) == sorted(EXPECTED_FILES["datasource"] - {ANSWERS_FILE})
    for path, digest in files.items():
        assert hashlib.sha256((project / path).read_bytes()).hexdigest() == digest, path
    assert (project / ANSWERS_FILE).read_text().startswith('{\n  "template": "datasource",\n')


def test_only_generated_files_are_recorded(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    project = render("app", target, ANSWERS, force=True)
    files = json.loads((project / ANSWERS_FILE).read_text())["files"]
    assert "notes.txt" not in files
    assert set(files) == EXPECTED_FILES["app"] - {ANSWERS_FILE}


def test_default_destination_is_the_plugin_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert render("app", None, ANSWERS) == tmp_path / "acme-weather-app"


def test_an_empty_existing_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert (render("app", tmp_path / "empty", ANSWERS) / "src" / "plugin.json").is_file()


def test_a_non_empty_directory_is_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(TemplateError) as info:
        render("datasource", target, ANSWERS)
    assert str(info.value) == f"Directory `{target}` is not empty; pass --force to overwrite."
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]

    render("datasource", target, ANSWERS, force=True)
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "src" / "plugin.json").is_file()


def test_a_file_destination_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(TemplateError) as info:
        render("datasource", tmp_path / "f", ANSWERS)
    assert str(info.value) == f"`{tmp_path / 'f'}` is a file; choose a directory for the new plugin."


def test_missing_and_unknown_answers(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        render("datasource", tmp_path / "x", {"name": "Weather"})
    assert str(info.value) == "The organization is missing; pass `--org`."
    with pytest.raises(TemplateError) as info:
        render("datasource", tmp_path / "x", {**ANSWERS, "colour": "red"})
    assert str(info.value) == "Unknown answer `colour`; the questions are `name`, `org` and `description`."
    with pytest.raises(TemplateError) as info:
        render("datasource", tmp_path / "x", ANSWERS, no_input=False)
    assert str(info.value) == "The description is missing; pass `--description`."
    assert not (tmp_path / "x").exists()


def test_unknown_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        render("panel", tmp_path / "x", ANSWERS)
    assert str(info.value) == "Unknown template `panel`; choose one of `datasource`, `app`, `streaming`."


@pytest.mark.parametrize("kind", ["datasource", "app", "streaming"])
def test_generated_python_is_lint_clean(kind: str, tmp_path: Path) -> None:
    import subprocess

    project = render(kind, tmp_path / "weather", ANSWERS)
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=project, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
