"""A tiny plugin project on disk (no build needed) for the build and package unit tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gpctl.project import Project

PYPROJECT = """\
[project]
name = "acme-weather"
version = "1.2.3"

[tool.gpctl]
plugin = "weather.plugin:ds"
"""

PLUGIN_JSON = {
    "type": "datasource",
    "name": "Weather",
    "id": "acme-weather-datasource",
    "backend": True,
    "executable": "gpx_weather",
    "info": {"version": "%VERSION%", "updated": "%TODAY%", "logos": {"small": "img/logo.svg"}},
}


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    root = tmp_path / "weather"
    (root / "src" / "img").mkdir(parents=True)
    (root / "pkg" / "weather").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "src" / "plugin.json").write_text(json.dumps(PLUGIN_JSON), encoding="utf-8")
    (root / "src" / "img" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (root / "README.md").write_text("# Weather %VERSION%\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text("## 1.2.3\n", encoding="utf-8")
    (root / "LICENSE").write_text("Apache-2.0\n", encoding="utf-8")
    (root / "pkg" / "weather" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "weather" / "plugin.py").write_text("ds = object()\n", encoding="utf-8")
    return root


@pytest.fixture
def project(project_dir: Path) -> Project:
    return Project.find(project_dir)


@pytest.fixture
def fake_build() -> Callable[..., None]:
    """Return `make(project, suffixes)`, which lays out `dist/` as `gpctl build` would."""
    return _fake_build


def _fake_build(project: Project, suffixes: tuple[str, ...] = ("linux_amd64",)) -> None:
    """Lay out `dist/` as `gpctl build` would, with small fake executables."""
    dist = project.dist_dir
    (dist / "img").mkdir(parents=True, exist_ok=True)
    (dist / "plugin.json").write_text(
        json.dumps({**PLUGIN_JSON, "info": {"version": "1.2.3", "updated": "2026-01-01"}}), encoding="utf-8"
    )
    (dist / "img" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (dist / "README.md").write_text("# Weather\n", encoding="utf-8")
    (dist / "module.js").write_text("define([], function () {});\n", encoding="utf-8")
    for suffix in suffixes:
        exe = dist / (
            f"gpx_weather_{suffix}.exe" if suffix.startswith("windows") else f"gpx_weather_{suffix}"
        )
        exe.write_bytes(b"\x7fELF fake " + suffix.encode())
        exe.chmod(0o700)
        contents = dist / f"gpx_weather_{suffix}_internal"
        (contents / "pyarrow").mkdir(parents=True)
        (contents / "pyarrow" / "libarrow.so.2600").write_bytes(b"lib " + suffix.encode())
        (contents / "libpython3.11.so.1.0").write_bytes(b"python")
        (contents / "libpython3.11.so.1.0").chmod(0o755)
