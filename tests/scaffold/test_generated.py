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


@pytest.mark.slow
def test_wheels_install_into_a_fresh_venv(tmp_path: Path) -> None:
    """Install gpctl's wheel (templates packaged as gpctl/_templates) and a generated project into a new venv."""
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Third-party dependencies come from this environment (a plain path: its .pth files, and so the editable
    # checkout of gpctl, are not processed); gpctl itself and the plugin come from their wheels.
    (Path(site) / "shared_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q"]
    subprocess.run([*pip, str(REPO)], check=True, capture_output=True, timeout=600)

    project = tmp_path / "made-by-installed-gpctl"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    new = [
        str(python),
        "-m",
        "gpctl",
        "new",
        "datasource",
        str(project),
        "--name",
        "Weather",
        "--org",
        "acme",
    ]
    subprocess.run([*new, "--no-input"], check=True, capture_output=True, env=env, cwd=tmp_path)
    subprocess.run([*pip, str(project)], check=True, capture_output=True, timeout=600)

    where = subprocess.run(
        [
            str(python),
            "-c",
            "import gpctl.scaffold, weather.plugin; print(gpctl.scaffold.templates_root()); "
            "print(weather.plugin.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert where[0] == str(Path(site) / "gpctl" / "_templates")
    assert where[1] == str(Path(site) / "weather" / "plugin.py")
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
