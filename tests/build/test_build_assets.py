from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gpctl.build._assets import build_time, copy_assets, fill_placeholders, run_frontend, write_plugin_json
from gpctl.build._build import _excludes
from gpctl.build._settings import (
    declared_requirements,
    dependency_closure,
    implied_top_level,
    imported_top_level,
    load_settings,
    source_files,
)
from gpctl.build._spec import OPTIONAL_MODULES
from gpctl.errors import BuildError, ProjectError
from gpctl.project import Project


def test_placeholders() -> None:
    text = "%PLUGIN_ID% %VERSION% %TODAY%"
    assert fill_placeholders(text, version="1.2.3", plugin_id="a-b-datasource", when=1700000000) == (
        "a-b-datasource 1.2.3 2023-11-14"
    )


def test_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time() == 1700000000.0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError) as info:
        build_time()
    assert (
        str(info.value) == "`SOURCE_DATE_EPOCH` must be an integer (seconds since 1970); found `yesterday`."
    )


def test_plugin_json_and_assets_are_reproducible(project: Project, tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        dist = tmp_path / f"dist{n}"
        data = write_plugin_json(
            project.plugin_json_path,
            dist / "plugin.json",
            version="1.2.3",
            plugin_id=project.plugin_id,
            when=0,
        )
        assert data["info"]["version"] == "1.2.3"
        assert data["info"]["updated"] == "1970-01-01"
        copied = copy_assets(
            project.root, project.root / "src", dist, version="1.2.3", plugin_id=project.plugin_id, when=0
        )
        assert [p.name for p in copied] == ["README.md", "CHANGELOG.md", "LICENSE", "img"]
        assert (dist / "README.md").read_text() == "# Weather 1.2.3\n"
        assert (dist / "img" / "logo.svg").is_file()
        outputs.append(
            {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}
        )
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]["plugin.json"])["executable"] == "gpx_weather"


def test_settings_defaults_and_errors(project_dir: Path) -> None:
    pyproject = project_dir / "pyproject.toml"
    settings = load_settings(pyproject)
    assert (settings.excludes, settings.hidden_imports, settings.optimize) == ((), (), 0)
    pyproject.write_text(pyproject.read_text() + '\n[tool.gpctl.build]\nexcludes = ["numpy"]\noptimize = 2\n')
    settings = load_settings(pyproject)
    assert (settings.excludes, settings.optimize) == (("numpy",), 2)
    pyproject.write_text(pyproject.read_text() + "strip = true\n")
    with pytest.raises(ProjectError) as info:
        load_settings(pyproject)
    assert str(info.value) == (
        f"`tool.gpctl.build` in `{pyproject}` has unknown key `strip`; "
        "known keys: `excludes`, `hidden-imports`, `optimize`."
    )


def test_optional_modules_follow_the_plugin_imports(project: Project) -> None:
    # frames need only pyarrow
    assert {"numpy", "pandas", "polars", "yaml"} <= set(_excludes(project, (), ()))
    plugin = project.source_dir / "weather" / "plugin.py"
    plugin.write_text("import pandas as pd\nfrom polars import DataFrame\nds = object()\n")
    excludes = _excludes(project, ("sqlite3",), ("yaml.loader",))
    assert not {"numpy", "pandas", "polars", "yaml"} & set(excludes)  # pandas requires numpy
    assert "sqlite3" in excludes
    plugin.write_text("import numpy as np\nds = object()\n")
    assert {"pandas", "polars"} <= set(_excludes(project, (), ()))
    assert "numpy" not in _excludes(project, (), ())


@pytest.mark.parametrize(
    ("source", "implied"),
    [
        ("from gpctl.sdk.data import long_to_wide\n", {"numpy"}),
        ("import gpctl.sdk.data as d\nd.wide_to_multi\n", {"numpy"}),
        ("def f(frame):\n    return frame.field('x').to_numpy()\n", {"numpy"}),
        ("def f(frame):\n    return frame.to_pandas()\n", {"pandas"}),
        ("from gpctl.sdk import Field, Frame\nFrame('x', Field('v', [1]))\n", set()),
    ],
)
def test_apis_that_need_an_optional_module_keep_it(project: Project, source: str, implied: set[str]) -> None:
    plugin = project.source_dir / "weather" / "plugin.py"
    plugin.write_text(source)
    assert implied_top_level(source_files(project.source_dir)) == implied
    kept = {"numpy", "pandas"} - set(_excludes(project, (), ()))
    assert kept == ({"numpy", "pandas"} if "pandas" in implied else implied)


def test_source_files_skip_caches(project: Project) -> None:
    cache = project.source_dir / "weather" / "__pycache__"
    cache.mkdir()
    (cache / "plugin.cpython-311.pyc").write_bytes(b"")
    files = [p.relative_to(project.source_dir).as_posix() for p in source_files(project.source_dir)]
    assert files == ["weather/__init__.py", "weather/plugin.py"]
    assert imported_top_level([project.source_dir / "weather" / "plugin.py"]) == set()


def _package_json(root: Path, build_script: str) -> None:
    (root / "package.json").write_text(
        json.dumps({"name": "x", "private": True, "scripts": {"build": build_script}})
    )
    (root / "node_modules").mkdir(exist_ok=True)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_frontend_runs_npm_run_build(project_dir: Path, tmp_path: Path) -> None:
    _package_json(
        project_dir,
        "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/module.js','x')\"",
    )
    with (tmp_path / "build.log").open("w") as log:
        run_frontend(project_dir, log)
    assert (project_dir / "dist" / "module.js").read_text() == "x"


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_frontend_failure_names_the_log(project_dir: Path, tmp_path: Path) -> None:
    _package_json(project_dir, 'node -e "process.exit(3)"')
    log_path = tmp_path / "build.log"
    with log_path.open("w") as log, pytest.raises(BuildError) as info:
        run_frontend(project_dir, log)
    assert str(info.value) == f"`npm run build` failed with exit code 3; see `{log_path}`."


def test_frontend_needs_node_modules(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project_dir / "package.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "npm").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "npm").chmod(0o755)
    with (tmp_path / "build.log").open("w") as log, pytest.raises(BuildError) as info:
        run_frontend(project_dir, log)
    assert str(info.value) == (
        f"The frontend's dependencies are not installed (`{project_dir / 'node_modules'}` is missing)."
    )
    assert info.value.hint == "Run `npm install` once, or pass --skip-frontend to build only the backend."


def test_pyinstaller_failure_names_the_log(tmp_path: Path) -> None:
    from gpctl.build._pyinstaller import run_pyinstaller

    spec = tmp_path / "broken.spec"
    spec.write_text("raise SystemExit('this spec is broken')\n")
    log_path = tmp_path / "build.log"
    lines: list[str] = []
    with log_path.open("w") as log, pytest.raises(BuildError) as info:
        run_pyinstaller(
            spec, out_dir=tmp_path / "out", work_dir=tmp_path / "work", log=log, on_line=lines.append
        )
    assert str(info.value).startswith("PyInstaller failed with exit code ")
    assert str(info.value).endswith(f"; the full log is in `{log_path}`.")
    assert info.value.log_path == log_path
    assert info.value.hint == "Rerun with -v to see PyInstaller's output as it runs."
    assert "this spec is broken" in log_path.read_text()
    assert any("this spec is broken" in line for line in lines)


def test_optional_modules_follow_the_dependencies_of_the_plugin_imports(project: Project) -> None:
    plugin = project.source_dir / "weather" / "plugin.py"
    plugin.write_text("import requests\nds = object()\n")
    excludes = set(_excludes(project, (), ()))
    assert not {"requests", "urllib3", "charset_normalizer"} & excludes  # requests needs them at run time
    assert {"pandas", "polars", "yaml", "cryptography", "uvloop"} <= excludes
    assert dependency_closure({"pandas"}) >= {"pandas", "numpy", "dateutil"}
    assert dependency_closure({"gpctl"}) == {"gpctl"}  # the toolchain's own requirements are never followed


GRPC_FAMILY = {"grpc", "grpc_health", "grpc_status", "grpc_reflection", "grpc_channelz", "opentelemetry"}


def _kept(project: Project) -> set[str]:
    return set(OPTIONAL_MODULES) - set(_excludes(project, (), ()))


def _dependencies(project: Project, *requirements: str) -> None:
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text().replace(
        'version = "1.2.3"\n', f'version = "1.2.3"\ndependencies = {json.dumps(list(requirements))}\n'
    )
    pyproject.write_text(text)


def test_grpc_and_opentelemetry_are_left_out_by_default(project: Project) -> None:
    # gpctl.sdk serves gRPC on hpack and protobuf: neither is optional, grpcio is
    assert set(OPTIONAL_MODULES) >= GRPC_FAMILY
    assert not {"hpack", "google", "google.protobuf"} & set(OPTIONAL_MODULES)
    assert _kept(project) == set()
    _dependencies(project, "gpctl>=0.1", "httpx>=0.27", "starlette>=0.40")
    assert _kept(project) == set()  # gpctl's own requirements (grpcio among them) are not followed


@pytest.mark.parametrize(
    "requirement",
    ["gpctl[otel]>=0.1", "gpctl [ pandas , otel ]", "opentelemetry-exporter-otlp-proto-grpc>=1.20"],
)
def test_the_otlp_exporter_in_the_dependencies_keeps_grpc(project: Project, requirement: str) -> None:
    _dependencies(project, requirement)
    kept = _kept(project)
    assert kept - {"numpy", "pandas"} == {"grpc", "opentelemetry"}
    assert ("pandas" in kept) == ("pandas" in requirement)


def test_importing_grpc_or_opentelemetry_keeps_it(project: Project) -> None:
    plugin = project.source_dir / "weather" / "plugin.py"
    plugin.write_text("import grpc\nds = object()\n")
    assert _kept(project) == {"grpc"}
    # the OTLP gRPC exporter installed here provides `opentelemetry` too, and requires grpcio
    plugin.write_text("from opentelemetry import trace\nds = object()\n")
    assert _kept(project) == {"grpc", "opentelemetry"}
    plugin.write_text("ds = object()\n")
    project.root.joinpath("pyproject.toml").write_text(
        project.root.joinpath("pyproject.toml").read_text()
        + '\n[tool.gpctl.build]\nhidden-imports = ["grpc"]\n'
    )
    assert set(OPTIONAL_MODULES) - set(_excludes(project, (), ("grpc",))) == {"grpc"}


def test_dependency_closure_follows_the_extras_a_requirement_names() -> None:
    assert dependency_closure(set(), ["gpctl"]) == set()
    assert dependency_closure(set(), ["gpctl[otel]"]) >= {"grpc", "opentelemetry", "google"}
    assert "grpc" not in dependency_closure(set(), ["gpctl[pandas]"])
    assert dependency_closure(set(), ["gpctl[pandas]"]) >= {"pandas", "numpy"}
    assert dependency_closure(set(), ["no-such-distribution"]) == set()
    assert declared_requirements(Path("no-such-dir") / "pyproject.toml") == ()
