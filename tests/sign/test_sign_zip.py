"""`verify` on plugin zips: same verdicts as for directories, and unpacking that cannot write outside a temp dir."""

from __future__ import annotations

import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpctl.errors import SignError
from gpctl.sign import SignatureState, sign_directory, verify

MakeDist = Callable[..., Path]


def _zip(dist: Path, archive: Path, prefix: str) -> Path:
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(dist.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(prefix + path.relative_to(dist).as_posix())
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                bundle.writestr(info, path.read_bytes())
    return archive


def _link(bundle: zipfile.ZipFile, name: str, target: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    bundle.writestr(info, target)


@pytest.mark.parametrize("prefix", ["myorg-weather-datasource/", ""])
def test_signed_zip_is_valid(make_dist: MakeDist, test_key: Any, tmp_path: Path, prefix: str) -> None:
    dist = make_dist()
    sign_directory(dist, key=test_key.secret)
    archive = _zip(dist, tmp_path / "plugin.zip", prefix)
    verdict = verify(archive, key=test_key.public)
    assert verdict.state is SignatureState.VALID, verdict.reasons


def test_zip_with_an_extra_file_is_modified(make_dist: MakeDist, test_key: Any, tmp_path: Path) -> None:
    dist = make_dist()
    sign_directory(dist, key=test_key.secret)
    archive = _zip(dist, tmp_path / "plugin.zip", "myorg-weather-datasource/")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("myorg-weather-datasource/gpx_weather_darwin_arm64", b"other arch")
    verdict = verify(archive, key=test_key.public)
    assert (verdict.state, verdict.reasons) == (
        SignatureState.MODIFIED,
        ("1 file not covered by the signature: `gpx_weather_darwin_arm64`.",),
    )


def test_zip_with_escaping_symlink_is_invalid(make_dist: MakeDist, test_key: Any, tmp_path: Path) -> None:
    dist = make_dist()
    sign_directory(dist, key=test_key.secret)
    archive = _zip(dist, tmp_path / "plugin.zip", "p/")
    with zipfile.ZipFile(archive, "a") as bundle:
        _link(bundle, "p/passwd", "/etc/passwd")
    verdict = verify(archive, key=test_key.public)
    assert verdict.state is SignatureState.INVALID
    assert verdict.reasons == (
        "Symbolic link `passwd` points outside the plugin directory (to `/etc/passwd`); "
        "copy the file into the directory instead.",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", "climbs out of the archive with `..`; refusing to unpack."),
        ("p/../../evil.txt", "climbs out of the archive with `..`; refusing to unpack."),
        ("/tmp/evil.txt", "has an absolute or Windows path; refusing to unpack."),
        ("C:/evil.txt", "has an absolute or Windows path; refusing to unpack."),
        ("p\\..\\evil.txt", "has an absolute or Windows path; refusing to unpack."),
    ],
)
def test_unsafe_entries_are_refused(
    make_dist: MakeDist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # so a `..` escape would land under tmp_path
    archive = _zip(make_dist(), tmp_path / "plugin.zip", "p/")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr(name, b"evil")
    with pytest.raises(SignError) as info:
        verify(archive)
    assert str(info.value) == f"Zip entry `{name}` in `{archive}` {message}"
    assert not list(tmp_path.glob("**/evil.txt"))


def test_no_write_through_a_symlink_entry(make_dist: MakeDist, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = _zip(make_dist(), tmp_path / "plugin.zip", "p/")
    with zipfile.ZipFile(archive, "a") as bundle:
        _link(bundle, "p/img2", str(outside))
        bundle.writestr("p/img2/evil.txt", b"evil")
    with pytest.raises(SignError) as info:
        verify(archive)
    assert str(info.value) == f"Zip entry `p/img2` appears twice in `{archive}`."
    assert list(outside.iterdir()) == []


def test_duplicate_entries_are_refused(make_dist: MakeDist, tmp_path: Path) -> None:
    archive = _zip(make_dist(), tmp_path / "plugin.zip", "p/")
    with zipfile.ZipFile(archive, "a") as bundle, pytest.warns(UserWarning, match="Duplicate name"):
        bundle.writestr("p/module.js", b"second copy")
    with pytest.raises(SignError) as info:
        verify(archive)
    assert str(info.value) == f"Zip entry `p/module.js` appears twice in `{archive}`; refusing to unpack."


def test_not_a_zip(tmp_path: Path) -> None:
    bogus = tmp_path / "plugin.zip"
    bogus.write_text("not a zip")
    with pytest.raises(SignError) as info:
        verify(bogus)
    assert str(info.value) == f"`{bogus}` is not a readable zip archive: File is not a zip file."


def test_temporary_directory_is_removed(
    make_dist: MakeDist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    verify(_zip(make_dist(), tmp_path / "plugin.zip", "p/"))
    assert list(scratch.iterdir()) == []
