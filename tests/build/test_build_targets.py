from __future__ import annotations

import pytest

from gpctl.build import KNOWN_TARGETS, Target, check_buildable, host_target, parse_target
from gpctl.errors import BuildError


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ("linux/amd64", "linux_amd64"),
        ("linux_arm64", "linux_arm64"),
        ("linux-arm", "linux_arm"),
        ("Darwin/ARM64", "darwin_arm64"),
        ("darwin/amd64", "darwin_amd64"),
        ("windows/amd64", "windows_amd64"),
    ],
)
def test_parse_target_go_naming(text: str, suffix: str) -> None:
    assert parse_target(text).suffix == suffix


def test_known_targets_are_the_go_sdk_six() -> None:
    assert [parse_target(t).suffix for t in KNOWN_TARGETS] == [
        "linux_amd64",
        "linux_arm64",
        "linux_arm",
        "darwin_amd64",
        "darwin_arm64",
        "windows_amd64",
    ]


def test_unknown_target() -> None:
    with pytest.raises(BuildError) as info:
        parse_target("linux/386")
    assert str(info.value) == (
        "Unknown target `linux/386`; use one of `linux/amd64`, `linux/arm64`, `linux/arm`, `darwin/amd64`, "
        "`darwin/arm64`, `windows/amd64`."
    )


def test_malformed_target() -> None:
    with pytest.raises(BuildError) as info:
        parse_target("amd64")
    assert str(info.value).startswith("Target `amd64` is not `<os>/<arch>`; use one of `linux/amd64`")


def test_executable_and_contents_names() -> None:
    linux = Target("linux", "amd64")
    windows = Target("windows", "amd64")
    assert linux.executable_name("gpx_weather") == "gpx_weather_linux_amd64"
    assert windows.executable_name("gpx_weather") == "gpx_weather_windows_amd64.exe"
    assert linux.contents_dir_name("gpx_weather") == "gpx_weather_linux_amd64_internal"
    # an executable written `../gpx_x` (nested apps) names the files by its base name
    assert linux.executable_name("../gpx_app") == "gpx_app_linux_amd64"
    assert str(linux) == "linux/amd64"


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("linux", "x86_64", "linux/amd64"),
        ("linux", "aarch64", "linux/arm64"),
        ("linux", "armv7l", "linux/arm"),
        ("darwin", "arm64", "darwin/arm64"),
        ("darwin", "x86_64", "darwin/amd64"),
        ("win32", "AMD64", "windows/amd64"),
    ],
)
def test_host_target(system: str, machine: str, expected: str) -> None:
    assert str(host_target(system, machine)) == expected


def test_host_target_unsupported() -> None:
    with pytest.raises(BuildError) as info:
        host_target("linux", "riscv64")
    assert str(info.value).startswith(
        "This machine (`linux`/`riscv64`) is not a platform Grafana runs plugins on; build on one of"
    )


def test_non_host_target_fails_fast_pointing_at_ci() -> None:
    with pytest.raises(BuildError) as info:
        check_buildable(Target("darwin", "arm64"), host=Target("linux", "amd64"))
    assert str(info.value) == (
        "Cannot build `darwin/arm64` on this `linux/amd64` machine: PyInstaller bundles the interpreter and "
        "libraries of the machine it runs on and cannot cross-build."
    )
    assert info.value.hint == (
        "Build `darwin/arm64` on a native `darwin/arm64` runner; `gpctl ci github` writes a GitHub Actions "
        "workflow with one job per target."
    )


def test_host_target_is_buildable() -> None:
    check_buildable(host_target())
