"""Zips: the archive rules, per-arch zips, and hostile entries refused with nothing written outside a temp dir."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from validate_helpers import FIXTURES, copy_fixture, elf_with_interp, zip_dir

from gpctl.validate import validate

ID = "myorg-weather-datasource"
CATALOG = [
    "",
    "catalog only: fails for non-Go backends (not run, not counted):",
    "  sdkusage/go-sdk-not-used: needs a go.mod using grafana-plugin-sdk-go; a Python backend has none (ask for "
    "an exception when submitting).",
    "  backendbinary/backend-binary-not-linux-amd64: needs Go build info in a linux/amd64 binary; PyInstaller "
    "executables have none (gpctl checks the headers instead).",
    "  govulncheck/govulncheck-scan-failed: scans each `<executable>*` file as a Go binary; a non-Go executable "
    "fails the scan.",
]


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    return copy_fixture(FIXTURES / "good" / "datasource", tmp_path / "plugin")


def _lines(report_lines: list[str]) -> list[str]:
    return [line for line in report_lines if line.startswith(("error[", "warning[", "recommendation["))]


def test_packaged_zip_is_valid(plugin: Path, tmp_path: Path) -> None:
    archive = zip_dir(plugin, tmp_path / f"{ID}-1.0.0.zip", ID)
    report = validate(archive)
    assert report.lines() == [
        "backend executables:",
        f"  {ID}/gpx_weather_linux_amd64: ELF 64-bit amd64, mode 0755, static",
        *CATALOG,
        "",
        f"{ID} 1.0.0 ({ID}-1.0.0.zip): 0 errors, 0 warnings; valid.",
    ]
    assert report.kind == "zip"


def test_root_dir_must_be_named_after_the_id(plugin: Path, tmp_path: Path) -> None:
    report = validate(zip_dir(plugin, tmp_path / "x.zip", "weather"))
    assert _lines(report.lines()) == [
        f"error[no-ident-root-dir] weather: The archive's plugin directory is named `weather`; it must be named "
        f"after the plugin id `{ID}`."
    ]


def test_dist_inside_the_root_dir(plugin: Path, tmp_path: Path) -> None:
    report = validate(zip_dir(plugin, tmp_path / "x.zip", f"{ID}/dist"))
    assert _lines(report.lines()) == [
        f"error[dist] {ID}/dist: The archive holds `{ID}/dist/`; rename `dist` to the plugin id and put it at the "
        "top of the archive.",
        f"error[no-ident-root-dir] {ID}/dist: The archive's plugin directory is named `dist`; name it `{ID}`.",
    ]


def test_more_than_one_top_level_entry(plugin: Path, tmp_path: Path) -> None:
    report = validate(zip_dir(plugin, tmp_path / "flat.zip", ""))
    assert _lines(report.lines())[0].startswith(
        "error[more-than-one-dir] flat.zip: The archive has 8 top-level entries (`CHANGELOG.md`, `LICENSE`, "
    )
    assert len(report.findings) == 1


def test_single_file_and_empty_archives(tmp_path: Path) -> None:
    single = tmp_path / "single.zip"
    with zipfile.ZipFile(single, "w") as out:
        out.writestr("plugin.json", "{}")
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    hint = "package with `gpctl package`, which writes `<id>/` as the only top-level directory."
    assert _lines(validate(single).lines()) == [
        "error[no-root-dir] single.zip: The archive's only top-level entry `plugin.json` is a file, not the plugin "
        f"directory; {hint}"
    ]
    assert _lines(validate(empty).lines()) == [
        f"error[empty-archive] empty.zip: The archive is empty; {hint}"
    ]


def test_per_arch_zip_must_hold_its_own_target(plugin: Path, tmp_path: Path) -> None:
    report = validate(zip_dir(plugin, tmp_path / f"{ID}-1.0.0.linux_arm64.zip", ID))
    assert _lines(report.lines()) == [
        f"error[backend-binary-target-missing] {ID}/gpx_weather_linux_arm64: Target `linux/arm64` is declared but "
        "`gpx_weather_linux_arm64` does not exist.",
        f"warning[backend-binary-extra-target] {ID}/plugin.json: This `linux/arm64` zip also holds a `linux/amd64` "
        "executable; per-arch zips should hold only their own.",
    ]


def test_musl_zip_must_hold_a_musl_executable(plugin: Path, tmp_path: Path) -> None:
    exe = plugin / "gpx_weather_linux_amd64"
    exe.write_bytes(elf_with_interp(b"/lib64/ld-linux-x86-64.so.2\x00"))
    (plugin / "MANIFEST.txt").unlink()
    glibc = validate(zip_dir(plugin, tmp_path / f"{ID}-1.0.0.linux_amd64_musl.zip", ID))
    assert [f.line() for f in glibc.errors] == [
        f"error[backend-binary-libc-mismatch] {ID}/gpx_weather_linux_amd64: The zip's name says `musl` but the "
        "executable links glibc; build it on Alpine with `gpctl build --libc musl`."
    ]
    exe.write_bytes(elf_with_interp(b"/lib/ld-musl-x86_64.so.1\x00"))
    (tmp_path / "again").mkdir()
    musl = validate(zip_dir(plugin, tmp_path / "again" / f"{ID}-1.0.0.linux_amd64_musl.zip", ID))
    assert musl.errors == []
    assert musl.binaries[0].libc == "musl"


def test_modes_come_from_the_zip(plugin: Path, tmp_path: Path) -> None:
    (plugin / "gpx_weather_linux_amd64").chmod(0o700)
    report = validate(zip_dir(plugin, tmp_path / "x.zip", ID))
    assert [f.rule for f in report.findings] == ["binary-executable-permissions", "wrong-permissions"]
    assert report.binaries[0].mode == "0700"


def _hostile_zip(plugin: Path, path: Path, outside: Path) -> Path:
    zip_dir(plugin, path, ID)
    with zipfile.ZipFile(path, "a") as out:
        out.writestr(f"{ID}/../../evil.txt", b"zip slip")
        out.writestr(str(outside / "absolute.txt"), b"absolute")
        out.writestr("C:\\windows\\evil.txt", b"drive")
        link = zipfile.ZipInfo(f"{ID}/img/passwd")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        out.writestr(link, "/etc/passwd")
    return path


def test_hostile_zip_is_refused_and_nothing_is_written_outside(
    plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = tmp_path / "sandbox"
    temp = sandbox / "tmp"
    temp.mkdir(parents=True)
    outside = tmp_path / "outside"
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)
    archive = _hostile_zip(plugin, tmp_path / "hostile.zip", outside)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    report = validate(archive)

    assert _lines(report.lines()) == [
        f"error[archive-unsafe-path] hostile.zip: Entry `{ID}/../../evil.txt` was refused because its path climbs "
        "out of the archive with `..`; nothing from it was extracted.",
        f"error[archive-unsafe-path] hostile.zip: Entry `{outside / 'absolute.txt'}` was refused because it has an "
        "absolute path; nothing from it was extracted.",
        "error[archive-unsafe-path] hostile.zip: Entry `C:\\windows\\evil.txt` was refused because it has an "
        "absolute path; nothing from it was extracted.",
        f"error[archive-symlink] hostile.zip: Entry `{ID}/img/passwd` was refused because it is a symbolic link; "
        "nothing from it was extracted.",
    ]
    assert not report.ok
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert list(temp.iterdir()) == []
    assert not outside.exists()


def test_zip_bomb_is_cut_off(plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gpctl.validate._zip.MAX_TOTAL_BYTES", 4096)
    archive = zip_dir(plugin, tmp_path / "bomb.zip", ID)
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as out:
        out.writestr(f"{ID}/img/zeros.bin", bytes(1024 * 1024))
    report = validate(archive)
    assert report.findings[0].line() == (
        "error[archive-bad-entry] bomb.zip: The archive was refused because it expands to more than 4096 bytes "
        "(zip bomb?); nothing from it was extracted."
    )


def test_not_a_zip_and_missing_paths_raise(tmp_path: Path) -> None:
    from gpctl.errors import ProjectError

    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(ProjectError) as bad:
        validate(text)
    assert bad.value.message == f"`{text}` is not a zip archive; pass a plugin zip or a plugin directory."
    with pytest.raises(ProjectError) as missing:
        validate(tmp_path / "nope")
    assert missing.value.message == (
        f"`{tmp_path / 'nope'}` does not exist; pass a project directory, a plugin directory such as `dist`, or a zip."
    )
