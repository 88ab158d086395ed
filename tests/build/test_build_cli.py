from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gpctl.project import Project


def test_package_cli_lists_zips(run_cli: Any, fake_build: Callable[..., None], project: Project) -> None:
    fake_build(project)
    result = run_cli("package", str(project.root), "--out", str(project.root / "zips"))
    assert result.exit_code == 0, result.stderr
    lines = []
    for name in ("acme-weather-datasource-1.2.3.linux_amd64.zip", "acme-weather-datasource-1.2.3.zip"):
        path = project.root / "zips" / name
        lines.append(f"zips/{name} (0.0 MiB) sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
    assert result.stdout.splitlines() == lines
    assert result.stderr == ""


def test_package_cli_dist_and_variant(
    run_cli: Any, fake_build: Callable[..., None], project: Project
) -> None:
    fake_build(project)
    moved = project.root / "dist-musl"
    project.dist_dir.rename(moved)
    result = run_cli("package", str(project.root), "--dist", str(moved), "--variant", "musl")
    assert result.exit_code == 0, result.stderr
    assert [line.split(" ")[0].rsplit("/", 1)[1] for line in result.stdout.splitlines()] == [
        "acme-weather-datasource-1.2.3.linux_amd64_musl.zip"
    ]


def test_package_cli_without_build(run_cli: Any, project: Project) -> None:
    result = run_cli("package", str(project.root))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: `{project.dist_dir / 'plugin.json'}` does not exist; run `gpctl build` first.\n"
    )


def test_build_cli_cross_target_message(run_cli: Any, project_dir: Path) -> None:
    from gpctl.build import host_target

    if str(host_target()) == "windows/amd64":  # pragma: no cover - windows/amd64 is not a cross target there
        return
    result = run_cli("build", str(project_dir), "--target", "windows/amd64")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Cannot build `windows/amd64` on this `")
    assert lines[0].endswith(
        "machine: PyInstaller bundles the interpreter and libraries of the machine it runs on and cannot cross-build. "
        "Build `windows/amd64` on a native `windows/amd64` runner; `gpctl ci github` writes a GitHub Actions "
        "workflow with one job per target."
    )


def test_build_cli_musl_on_glibc(run_cli: Any, project_dir: Path) -> None:
    from gpctl.build import host_libc

    if host_libc() == "musl":  # pragma: no cover
        return
    result = run_cli("build", str(project_dir), "--libc", "musl")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: Cannot build for musl (`--libc musl`) on a glibc system: the bundle links the C library of the "
        "machine it is built on. "
        "Run the build in an Alpine container; the `gpctl ci github` workflow has a musl job.",
    ]


def test_build_cli_bad_libc(run_cli: Any, project_dir: Path) -> None:
    result = run_cli("build", str(project_dir), "--libc", "uclibc")
    assert result.exit_code == 1
    assert result.stderr == "error: `--libc` must be `glibc` or `musl`; found `uclibc`.\n"


def test_build_cli_backend_without_executable(run_cli: Any, project_dir: Path) -> None:
    plugin_json = project_dir / "src" / "plugin.json"
    plugin_json.write_text(plugin_json.read_text().replace('"executable": "gpx_weather", ', ""))
    result = run_cli("build", str(project_dir), "--skip-frontend")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'error: `{plugin_json}` has `"backend": true` but no `executable`, so the backend has no file name. '
        'Add `"executable": "gpx_<name>"` to plugin.json.',
    ]


def test_build_frontend_only_plugin(run_cli: Any, project_dir: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    plugin_json = project_dir / "src" / "plugin.json"
    text = (
        plugin_json.read_text()
        .replace('"executable": "gpx_weather", ', "")
        .replace('"backend": true', '"backend": false')
    )
    plugin_json.write_text(text)
    result = run_cli("build", str(project_dir), "--skip-frontend")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Built dist/ in ")
    assert result.stderr.splitlines() == ["Write plugin.json and assets: done in 0.0 s"]
    dist = project_dir / "dist"
    assert sorted(p.name for p in dist.iterdir()) == [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "img",
        "plugin.json",
    ]
    assert '"updated": "2023-11-14"' in (dist / "plugin.json").read_text()
    packaged = run_cli("package", str(project_dir))
    assert packaged.exit_code == 0, packaged.stderr
    assert [line.split(" ")[0].rsplit("/", 1)[1] for line in packaged.stdout.splitlines()] == [
        "acme-weather-datasource-1.2.3.zip"
    ]


def test_package_cli_json(run_cli: Any, fake_build: Callable[..., None], project: Project) -> None:
    import json

    fake_build(project, ("linux_amd64", "darwin_arm64"))
    result = run_cli("package", str(project.root), "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(Path(r["zip"]).name, r["target"]) for r in rows] == [
        ("acme-weather-datasource-1.2.3.linux_amd64.zip", "linux/amd64"),
        ("acme-weather-datasource-1.2.3.darwin_arm64.zip", "darwin/arm64"),
        ("acme-weather-datasource-1.2.3.zip", None),
    ]
    for row in rows:
        assert row["sha256"] == hashlib.sha256(Path(row["zip"]).read_bytes()).hexdigest()
        assert row["bytes"] == Path(row["zip"]).stat().st_size
