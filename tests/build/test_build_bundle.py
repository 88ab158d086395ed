"""Build a generated datasource for this machine ONCE per session, then check it the way Grafana uses it.

Slow: one PyInstaller build (plus one cached rebuild for the reproducibility check).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gpctl.build import BuildResult, build, host_target, package
from gpctl.project import Project

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "bundle"
EPOCH = "1767225600"  # 2026-01-01


@dataclass
class Built:
    project: Project
    result: BuildResult
    files: list[str]
    plugin_json: bytes
    build_seconds: float


def _new_project(base: Path) -> Path:
    """A datasource from `gpctl new` when the scaffold is available, else the small fixture project."""
    try:
        from gpctl.scaffold import render
    except ImportError:  # pragma: no cover - the scaffold lands separately
        dest = base / "bundle"
        shutil.copytree(FIXTURE, dest)
        return dest
    return render("datasource", base / "weather", {"name": "Weather", "org": "acme"})


def _file_list(dist: Path) -> list[str]:
    return sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = _new_project(tmp_path_factory.mktemp("build"))
    project = Project.find(root)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        started = time.monotonic()
        result = build(project, skip_frontend=True)
        seconds = time.monotonic() - started
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    yield Built(project, result, _file_list(project.dist_dir), result.plugin_json.read_bytes(), seconds)


def _grafana_env(tmp: Path) -> dict[str, str]:
    """What a Grafana host without Python gives the plugin: no venv on PATH, no PYTHON* variables."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8"}


def _gohost() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
    import gohost

    return gohost


def _run_like_grafana(executable: Path, plugin_id: str, cwd: Path) -> Any:
    """Launch `executable` with go-plugin's real client as Grafana does (no args, cwd elsewhere, clean PATH)."""
    gohost = _gohost()
    ctx = gohost.plugin_context(plugin_id, json_data={}, secure_json_data={"apiKey": "k"}, uid="bundle")
    query = {
        "refId": "A",
        "json": gohost.b64({"constant": 4.5, "count": 3}),
        "timeRange": {"fromEpochMS": "1700000000000", "toEpochMS": "1700000060000"},
        "maxDataPoints": "100",
        "intervalMS": "1000",
    }
    calls = [
        {"call": "Ping"},
        {"call": "CheckHealth", "request": {"pluginContext": ctx}},
        {"call": "QueryData", "request": {"pluginContext": ctx, "queries": [query]}},
        {"call": "CollectMetrics", "request": {"pluginContext": ctx}},
    ]
    run = gohost.run_host(executable, calls, env=_grafana_env(cwd), cwd=cwd, timeout=120)
    assert run.returncode == 0, "\n".join(run.log_lines[-40:])
    assert [c["call"] for c in run.calls if c["ok"]] == [c["call"] for c in calls], run.calls
    assert run.report["negotiated_version"] == 2
    health = run.call("CheckHealth")["response"]
    assert health.get("status") == "OK", health
    response = run.call("QueryData")["response"]["responses"]["A"]
    assert "error" not in response, response
    assert response["frames"], response
    assert not run.warn_or_error_lines(), run.warn_or_error_lines()
    assert run.exited
    return run


def test_names_and_modes(built: Built) -> None:
    target = host_target()
    dist = built.project.dist_dir
    exe_name = target.executable_name(built.project.executable or "")
    [artifact] = built.result.artifacts
    assert artifact.executable == dist / exe_name
    assert artifact.contents_dir == dist / target.contents_dir_name(built.project.executable or "")
    assert not artifact.onefile
    assert built.result.warnings == ()
    assert stat.S_IMODE(artifact.executable.stat().st_mode) == 0o755
    assert not [p for p in dist.rglob("*") if p.is_symlink()]
    data = json.loads(built.plugin_json)
    assert data["info"]["version"] == built.project.version
    assert data["info"]["updated"] == "2026-01-01"
    assert {"plugin.json", "README.md", "LICENSE"} <= set(built.files)
    internal = artifact.contents_dir.name  # type: ignore[union-attr]
    libpython = Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("INSTSONAME")
    if sys.platform.startswith("linux") and libpython.is_file() and shutil.which("strip"):
        bundled = dist / internal / libpython.name
        assert bundled.stat().st_size < libpython.stat().st_size  # a stripped copy
    unwanted = (
        "grpc_tools",
        "setuptools",
        "typer",
        "rich",
        "PyInstaller",
        "pyarrow/include",
        "libarrow_flight",
        "numpy",  # the generated datasource builds frames from lists: pyarrow is enough
        "pandas",
        "uvloop",  # anyio (httpx) imports it only when asked to
        "grpc",  # the SDK serves gRPC on hpack and protobuf; grpcio is for clients and the OTLP exporter
        "opentelemetry",
    )
    assert not [f for f in built.files if f.startswith(internal) and any(u in f for u in unwanted)]


def test_bundle_modules_and_start_up_scripts(built: Built) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    [artifact] = built.result.artifacts
    package = CArchiveReader(str(artifact.executable))
    # PyInstaller's runtime hooks for inspect, multiprocessing and pkgutil run on first use, not at every start
    assert [name for name in package.toc if "rth" in name] == ["gpctl_rth_deferred"]
    archive = package.open_embedded_archive("PYZ.pyz")
    assert {"_gpctl_rth_inspect", "_gpctl_rth_multiprocessing", "_gpctl_rth_pkgutil"} <= set(archive.toc)
    top_level = {name.partition(".")[0] for name in archive.toc}
    assert not {"grpc", "grpc_health", "grpc_status", "opentelemetry"} & top_level
    assert {"hpack", "google"} <= top_level
    assert {"google.protobuf", "gpctl.sdk._protocol._wire"} <= set(archive.toc)
    assert not [f for f in built.files if "/grpc" in f]


def test_buildinfo(built: Built, tmp_path: Path) -> None:
    [artifact] = built.result.artifacts
    out = subprocess.run(
        [str(artifact.executable), "--buildinfo"],
        cwd=tmp_path,
        env=_grafana_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    info = json.loads(out.stdout)
    assert info == {
        "pluginID": built.project.plugin_id,
        "version": built.project.version,
        "time": str(int(EPOCH) * 1000),
    }


def test_second_build_reuses_the_bundle(built: Built) -> None:
    started = time.monotonic()
    again = build(built.project, skip_frontend=True)
    changed = [line for line in again.log_path.read_text().splitlines() if "inputs changed" in line]
    if changed and all(name.startswith("gpctl.sdk:") for name in changed[0].split(": ", 2)[2].split(", ")):
        pytest.skip(f"gpctl.sdk was edited while the tests ran: {changed[0]}")
    assert [a.reused for a in again.artifacts] == [True], changed
    assert time.monotonic() - started < 10
    assert _file_list(built.project.dist_dir) == built.files
    # a dist/ that lost the bundle (cleaned, or a dev launcher put in its place) gets the cached one back
    [artifact] = again.artifacts
    original = artifact.executable.read_bytes()
    artifact.executable.write_text("#!/bin/sh\nexit 1\n")
    shutil.rmtree(artifact.contents_dir)  # type: ignore[arg-type]
    restored = build(built.project, skip_frontend=True)
    assert [a.reused for a in restored.artifacts] == [True]
    assert artifact.executable.read_bytes() == original
    assert _file_list(built.project.dist_dir) == built.files


def test_runs_under_go_plugin_like_grafana(built: Built, tmp_path: Path) -> None:
    [artifact] = built.result.artifacts
    _run_like_grafana(artifact.executable, built.project.plugin_id, tmp_path)


def test_same_inputs_same_file_list_and_plugin_json(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = build(built.project, skip_frontend=True, force=True)
    assert [a.reused for a in again.artifacts] == [False]
    assert _file_list(built.project.dist_dir) == built.files
    assert again.plugin_json.read_bytes() == built.plugin_json


def _unzip_like_grafana(zip_path: Path, plugins: Path) -> Path:
    """Extract as Grafana's installer does: into `<plugins>/<id>/`, applying each entry's mode."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            dest = plugins / info.filename
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(archive.read(info))
            dest.chmod(stat.S_IMODE(info.external_attr >> 16))
    [top] = {name.split("/")[0] for name in zipfile.ZipFile(zip_path).namelist()}
    return plugins / top


def test_package_unzip_and_run_again(built: Built, tmp_path: Path) -> None:
    target = host_target()
    zips = package(built.project, out_dir=tmp_path / "zips")
    prefix = f"{built.project.plugin_id}-{built.project.version}"
    assert [z.name for z in zips] == [f"{prefix}.{target.suffix}.zip", f"{prefix}.zip"]
    plugin_dir = _unzip_like_grafana(zips[0], tmp_path / "plugins")
    assert plugin_dir.name == built.project.plugin_id
    exe = plugin_dir / target.executable_name(built.project.executable or "")
    assert stat.S_IMODE(exe.stat().st_mode) == 0o755
    assert stat.S_IMODE((plugin_dir / "plugin.json").stat().st_mode) == 0o644
    elsewhere = tmp_path / "grafana-cwd"
    elsewhere.mkdir()
    _run_like_grafana(exe, built.project.plugin_id, elsewhere)


def test_onefile_mode(tmp_path: Path) -> None:
    """`--onefile`: one file, no contents folder, the warning, and a working executable."""
    root = tmp_path / "bundle"
    shutil.copytree(FIXTURE, root)
    project = Project.find(root)
    result = build(project, onefile=True, skip_frontend=True)
    [artifact] = result.artifacts
    assert artifact.onefile
    assert artifact.contents_dir is None
    assert result.warnings[0].startswith(
        "--onefile unpacks the whole bundle into a temporary folder on every start"
    )
    names = sorted(p.name for p in project.dist_dir.iterdir())
    assert names == sorted(
        [
            "CHANGELOG.md",
            "LICENSE",
            "README.md",
            "img",
            "plugin.json",
            host_target().executable_name("gpx_bundle"),
        ]
    )
    assert stat.S_IMODE(artifact.executable.stat().st_mode) == 0o755
    out = subprocess.run(
        [str(artifact.executable), "--buildinfo"],
        cwd=tmp_path,
        env=_grafana_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(out.stdout)["pluginID"] == "acme-bundle-datasource"


TRACING_PLUGIN = """\
from gpctl.sdk import Datasource, HealthResult, PluginContext
from gpctl.sdk._tracing import Tracer

ds = Datasource("acme-bundle-datasource")


@ds.check_health
def health(ctx: PluginContext) -> HealthResult:
    return HealthResult.ok(f"tracing {Tracer.from_env('acme-bundle-datasource').enabled}")
"""


def test_gpctl_otel_dependency_keeps_grpc_and_tracing_works(tmp_path: Path) -> None:
    """`gpctl[otel]` in [project] dependencies bundles OpenTelemetry and grpcio, so the OTLP exporter loads; the
    plugin's code imports neither."""
    from gpctl.launch import launch_plugin

    root = tmp_path / "bundle"
    shutil.copytree(FIXTURE, root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('dependencies = ["gpctl"]', 'dependencies = ["gpctl[otel]"]')
    )
    (root / "pkg" / "acme_bundle" / "plugin.py").write_text(TRACING_PLUGIN)
    result = build(Project.find(root), skip_frontend=True)
    assert result.warnings == ()
    [artifact] = result.artifacts
    assert artifact.contents_dir is not None
    assert (artifact.contents_dir / "grpc").is_dir()  # grpcio's extension module
    env = {**_grafana_env(tmp_path), "GF_INSTANCE_OTLP_ADDRESS": "127.0.0.1:4317"}
    with launch_plugin(artifact.executable, cwd=tmp_path, env=env, timeout=60) as launched:
        with launched.client() as client:
            assert client.check_health().message == "tracing True"
        launched.stop()
