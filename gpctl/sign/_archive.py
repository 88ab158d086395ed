"""Unpack a plugin zip for verification, safely: nothing is written outside a fresh temporary directory."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from gpctl.errors import SignError

__all__ = ["unpacked_zip"]

_MAX_TOTAL = 8 << 30
_CHUNK = 1 << 20


@contextmanager
def unpacked_zip(archive: Path) -> Iterator[Path]:
    """Extract `archive` into a temporary directory, yield it, and delete it afterwards.

    Entries with absolute paths, drive letters, backslashes or `..` components are refused; symbolic link entries
    are recreated as links (never written through), so an escaping link shows up in the verdict.

    Raises:
        SignError: the file is not a zip, or an entry is unsafe.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SignError(f"`{archive}` is not a readable zip archive: {exc}.") from None
    temp = Path(tempfile.mkdtemp(prefix="gpctl-verify-"))
    try:
        with bundle:
            _extract_all(bundle, archive, temp)
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _safe_parts(name: str, archive: Path) -> tuple[str, ...]:
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise SignError(
            f"Zip entry `{name}` in `{archive}` has an absolute or Windows path; refusing to unpack."
        )
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if ".." in parts:
        raise SignError(
            f"Zip entry `{name}` in `{archive}` climbs out of the archive with `..`; refusing to unpack."
        )
    return parts


def _extract_all(bundle: zipfile.ZipFile, archive: Path, root: Path) -> None:
    infos = bundle.infolist()
    if sum(info.file_size for info in infos) > _MAX_TOTAL:
        raise SignError(f"`{archive}` unpacks to more than 8 GiB; refusing to unpack.")
    links: list[tuple[Path, str]] = []
    real_root = os.path.realpath(root)
    for info in infos:
        parts = _safe_parts(info.filename, archive)
        if not parts:
            continue
        target = root.joinpath(*parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.commonpath([real_root, os.path.realpath(target.parent)]) != real_root:
            raise SignError(
                f"Zip entry `{info.filename}` in `{archive}` would be written outside the archive."
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            links.append((target, bundle.read(info).decode("utf-8", "surrogateescape")))
            continue
        flags = (
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        )
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            raise SignError(
                f"Zip entry `{info.filename}` appears twice in `{archive}`; refusing to unpack."
            ) from None
        with os.fdopen(fd, "wb") as out, bundle.open(info) as src:
            while chunk := src.read(_CHUNK):
                out.write(chunk)
        if mode & 0o777:
            target.chmod(mode & 0o777 | stat.S_IRUSR)
    for target, link in links:
        if target.exists() or target.is_symlink():
            raise SignError(
                f"Zip entry `{target.relative_to(root).as_posix()}` appears twice in `{archive}`."
            )
        target.symlink_to(link)
