"""Executable header parsing against crafted headers, this machine's own binaries, and real Go builds."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from validate_helpers import FIXTURES, copy_fixture, elf, elf_with_interp, fat_macho, macho, pe

from gpctl.validate import validate
from gpctl.validate._binary import highest_version, read_header


def _write(tmp_path: Path, data: bytes, name: str = "bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "fmt", "os_name", "arch", "bits"),
    [
        (elf(), "ELF", "linux", "amd64", 64),
        (elf(0xB7), "ELF", "linux", "arm64", 64),
        (elf(0x28, bits=32), "ELF", "linux", "arm", 32),
        (elf(3, bits=32), "ELF", "linux", "386", 32),
        (macho(), "Mach-O", "darwin", "arm64", 64),
        (macho(0x01000007), "Mach-O", "darwin", "amd64", 64),
        (pe(), "PE", "windows", "amd64", 64),
        (pe(0xAA64), "PE", "windows", "arm64", 64),
    ],
)
def test_crafted_headers(tmp_path: Path, data: bytes, fmt: str, os_name: str, arch: str, bits: int) -> None:
    header = read_header(_write(tmp_path, data))
    assert (header.format, header.os, header.arch, header.bits) == (fmt, os_name, arch, bits)


def test_fat_macho_lists_every_slice(tmp_path: Path) -> None:
    header = read_header(_write(tmp_path, fat_macho(0x01000007, 0x0100000C)))
    assert (header.format, header.arch, header.archs) == ("Mach-O", "universal", ("amd64", "arm64"))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"#!/bin/sh\nexec python plugin.py\n",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(32),  # a Java class file, not a fat Mach-O
        b"\x7fELF\x02\x01",  # truncated
        b"MZ" + bytes(10),  # truncated DOS stub
    ],
)
def test_non_executables_are_unknown(tmp_path: Path, data: bytes) -> None:
    assert read_header(_write(tmp_path, data)).format == "unknown"


def test_libc_flavour_from_the_interpreter(tmp_path: Path) -> None:
    musl = read_header(_write(tmp_path, elf_with_interp(b"/lib/ld-musl-x86_64.so.1\x00"), "musl"))
    glibc = read_header(_write(tmp_path, elf_with_interp(b"/lib64/ld-linux-x86-64.so.2\x00"), "glibc"))
    assert (musl.interpreter, musl.libc) == ("/lib/ld-musl-x86_64.so.1", "musl")
    assert glibc.libc == "glibc"
    assert read_header(_write(tmp_path, elf(), "static")).libc == "static"


def test_highest_version_compares_numbers() -> None:
    assert highest_version(["2.2.5", "2.14", "2.3.4", "2.9"]) == "2.14"
    assert highest_version([]) is None


def _objdump_glibc(path: Path) -> str:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    refs = out.split("Version References:")[1] if "Version References:" in out else ""
    versions = [w.removeprefix("GLIBC_") for w in refs.split() if w.startswith("GLIBC_")]
    return highest_version(versions) or ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux ELF host")
@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump to cross-check")
def test_glibc_needs_match_objdump() -> None:
    for path in (Path("/bin/ls"), Path(os.path.realpath(sys.executable))):
        header = read_header(path)
        assert header.format == "ELF"
        assert header.libc == "glibc"
        assert header.highest_glibc == _objdump_glibc(path)


@pytest.mark.skipif(
    platform.machine() != "x86_64" or not sys.platform.startswith("linux"), reason="x86-64 Linux"
)
@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump to cross-check")
def test_real_executable_and_its_bundle_report_the_glibc_floor(tmp_path: Path) -> None:
    plugin = copy_fixture(FIXTURES / "good" / "datasource", tmp_path / "dist")
    (plugin / "MANIFEST.txt").unlink()
    exe = plugin / "gpx_weather_linux_amd64"
    exe.write_bytes(Path("/bin/ls").read_bytes())
    internal = plugin / "gpx_weather_linux_amd64_internal"
    internal.mkdir()
    lib = Path(os.path.realpath(sys.executable))
    shutil.copy(lib, internal / "libpython-like.so")
    expected = highest_version([v for v in (_objdump_glibc(Path("/bin/ls")), _objdump_glibc(lib)) if v])
    report = validate(plugin)
    assert report.binaries[0].libc == "glibc"
    assert report.binaries[0].glibc == expected
    glibc = [f for f in report.findings if f.rule == "backend-binary-glibc"]
    assert [f.message for f in glibc] == [
        f"The bundle needs `GLIBC_{expected}`, so it fails on hosts with an older glibc (Ubuntu 22.04 has 2.35, "
        "RHEL 8 has 2.28); build Linux targets in a manylinux_2_28 image (`gpctl ci github`)."
    ]
    assert glibc[0].severity.value == "recommendation"
    assert report.ok


GO_MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'


@pytest.fixture(scope="module")
def go_binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed")
    work = tmp_path_factory.mktemp("gobin")
    (work / "main.go").write_text(GO_MAIN)
    (work / "go.mod").write_text("module example.com/hi\n\ngo 1.19\n")
    out: dict[str, Path] = {}
    for target in ("linux/amd64", "darwin/arm64", "windows/amd64"):
        goos, goarch = target.split("/")
        binary = work / f"hi_{goos}_{goarch}"
        env = {**os.environ, "GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
        subprocess.run(
            [go, "build", "-o", str(binary), "."], cwd=work, env=env, check=True, capture_output=True
        )
        out[target] = binary
    return out


@pytest.mark.slow
def test_real_go_binaries(go_binaries: dict[str, Path]) -> None:
    seen = {}
    for target, path in go_binaries.items():
        header = read_header(path)
        seen[target] = (header.format, header.os, header.arch)
    assert seen == {
        "linux/amd64": ("ELF", "linux", "amd64"),
        "darwin/arm64": ("Mach-O", "darwin", "arm64"),
        "windows/amd64": ("PE", "windows", "amd64"),
    }
    linux = read_header(go_binaries["linux/amd64"])
    assert linux.go_build_info
    assert linux.libc == "static"
    assert not read_header(go_binaries["darwin/arm64"]).go_build_info  # only ELF sections are looked at


@pytest.mark.slow
def test_go_build_info_drops_that_catalog_note(go_binaries: dict[str, Path], tmp_path: Path) -> None:
    plugin = copy_fixture(FIXTURES / "good" / "datasource", tmp_path / "dist")
    (plugin / "MANIFEST.txt").unlink()
    exe = plugin / "gpx_weather_linux_amd64"
    exe.write_bytes(go_binaries["linux/amd64"].read_bytes())
    report = validate(plugin)
    assert report.binaries[0].go_build_info
    assert [n.rule for n in report.catalog_only] == ["go-sdk-not-used", "govulncheck-scan-failed"]
