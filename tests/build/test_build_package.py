from __future__ import annotations

import hashlib
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gpctl.build import package, package_all
from gpctl.errors import BuildError
from gpctl.project import Project


def _modes(zip_path: Path) -> dict[str, int]:
    with zipfile.ZipFile(zip_path) as archive:
        return {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in archive.infolist()}


def test_per_arch_and_all_arch_zips(fake_build: Callable[..., None], project: Project) -> None:
    fake_build(project, ("linux_amd64", "linux_arm64", "windows_amd64"))
    (project.dist_dir / "standalone.txt").write_text("x")
    (project.dist_dir / "pid.txt").write_text("1")
    (project.dist_dir / ".standalone.txt.tmp").write_text("x")
    zips = package(project)
    out = project.root / "packages"
    assert [z.name for z in zips] == [
        "acme-weather-datasource-1.2.3.linux_amd64.zip",
        "acme-weather-datasource-1.2.3.linux_arm64.zip",
        "acme-weather-datasource-1.2.3.windows_amd64.zip",
        "acme-weather-datasource-1.2.3.zip",
    ]
    amd64 = _modes(out / "acme-weather-datasource-1.2.3.linux_amd64.zip")
    assert amd64 == {
        "acme-weather-datasource/": 0o755,
        "acme-weather-datasource/README.md": 0o644,
        "acme-weather-datasource/gpx_weather_linux_amd64": 0o755,
        "acme-weather-datasource/gpx_weather_linux_amd64_internal/": 0o755,
        "acme-weather-datasource/gpx_weather_linux_amd64_internal/libpython3.11.so.1.0": 0o644,
        "acme-weather-datasource/gpx_weather_linux_amd64_internal/pyarrow/": 0o755,
        "acme-weather-datasource/gpx_weather_linux_amd64_internal/pyarrow/libarrow.so.2600": 0o644,
        "acme-weather-datasource/img/": 0o755,
        "acme-weather-datasource/img/logo.svg": 0o644,
        "acme-weather-datasource/module.js": 0o644,
        "acme-weather-datasource/plugin.json": 0o644,
    }
    everything = _modes(out / "acme-weather-datasource-1.2.3.zip")
    assert everything["acme-weather-datasource/gpx_weather_windows_amd64.exe"] == 0o755
    assert everything["acme-weather-datasource/gpx_weather_linux_arm64"] == 0o755
    assert len(everything) == 3 * 5 + 6
    assert all(name.startswith("acme-weather-datasource/") for name in everything)
    for z in zips:
        assert z.with_name(z.name + ".sha1").read_text() == hashlib.sha1(z.read_bytes()).hexdigest() + "\n"
        assert (
            z.with_name(z.name + ".sha256").read_text() == hashlib.sha256(z.read_bytes()).hexdigest() + "\n"
        )


def test_zips_are_reproducible(
    fake_build: Callable[..., None], project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fake_build(project)
    first = {p.target: p.sha256 for p in package_all(project)}
    second = {p.target: p.sha256 for p in package_all(project)}
    assert first == second
    with zipfile.ZipFile(project.root / "packages" / "acme-weather-datasource-1.2.3.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_in_tree_links_are_stored_as_files(fake_build: Callable[..., None], project: Project) -> None:
    fake_build(project)
    contents = project.dist_dir / "gpx_weather_linux_amd64_internal"
    (contents / "libarrow.so.2600").symlink_to("pyarrow/libarrow.so.2600")
    [per_arch, _] = package(project)
    with zipfile.ZipFile(per_arch) as archive:
        info = archive.getinfo("acme-weather-datasource/gpx_weather_linux_amd64_internal/libarrow.so.2600")
        assert stat.S_ISREG(info.external_attr >> 16)
        assert archive.read(info) == b"lib linux_amd64"


def test_links_out_of_the_tree_are_refused(
    fake_build: Callable[..., None], project: Project, tmp_path: Path
) -> None:
    fake_build(project)
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    link = project.dist_dir / "gpx_weather_linux_amd64_internal" / "secret.txt"
    link.symlink_to(outside)
    with pytest.raises(BuildError) as info:
        package(project)
    assert str(info.value) == (
        f"`{link}` is a link to `{outside}`, outside the plugin folder; a plugin zip cannot hold it. "
        "Replace the link with the file."
    )


def test_variant_names_and_no_all_arch_zip(fake_build: Callable[..., None], project: Project) -> None:
    fake_build(project)
    zips = package(project, variant="musl", out_dir=project.root / "out")
    assert [z.name for z in zips] == ["acme-weather-datasource-1.2.3.linux_amd64_musl.zip"]


def test_package_needs_a_build(project: Project) -> None:
    with pytest.raises(BuildError) as info:
        package(project)
    assert str(info.value) == f"`{project.dist_dir / 'plugin.json'}` does not exist; run `gpctl build` first."


def test_package_needs_an_executable(fake_build: Callable[..., None], project: Project) -> None:
    fake_build(project, ())
    with pytest.raises(BuildError) as info:
        package(project)
    assert str(info.value) == (
        f"`{project.dist_dir}` holds no backend executable named `gpx_weather_<os>_<arch>`; run `gpctl build` first."
    )
