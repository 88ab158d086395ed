"""Each generated project's own tests pass against this checkout's gpctl (shared environment, `pkg/` on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gpctl.scaffold import render

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["datasource", "app", "streaming"])
def test_generated_project_tests_pass(kind: str, tmp_path: Path) -> None:
    project = render(kind, tmp_path / "weather", {"name": "Weather", "org": "acme"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(project / "pkg")])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "failed" not in result.stdout and "skipped" not in result.stdout


@pytest.mark.parametrize("kind", ["datasource", "app", "streaming"])
def test_generated_backend_loads_through_the_project_model(kind: str, tmp_path: Path) -> None:
    from gpctl.project import Project, load_entry

    project = Project.find(render(kind, tmp_path / "weather", {"name": "Weather", "org": "acme"}))
    sys.modules.pop("weather", None)
    sys.modules.pop("weather.plugin", None)
    try:
        plugin = load_entry(project.plugin_ref, project.source_dir)
        assert type(plugin).__name__ == ("App" if kind == "app" else "Datasource")
    finally:
        sys.path.remove(str(project.source_dir))
        sys.modules.pop("weather", None)
        sys.modules.pop("weather.plugin", None)


@pytest.mark.slow
def test_generated_python_passes_mypy_strict(tmp_path: Path) -> None:
    cache = tmp_path / "mypy-cache"
    for kind in ("datasource", "app", "streaming"):
        project = render(kind, tmp_path / kind, {"name": "Weather", "org": "acme"})
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "pkg", "tests"],
            cwd=project,
            env={**os.environ, "MYPYPATH": str(project / "pkg")},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{kind}:\n{result.stdout}{result.stderr}"
