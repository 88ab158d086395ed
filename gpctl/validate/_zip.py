"""Safe zip inspection: hostile entries are reported and never written; the rest goes into a temp dir only.

Nothing from the archive decides where a file lands: every entry name is checked (no absolute path, no drive,
no `..`, no NUL, no backslash tricks), symlinks and special files are refused, each file is created with
`O_EXCL | O_NOFOLLOW` under the temp directory, and the total size is capped against zip bombs.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["ExtractedZip", "UnsafeEntry", "extract_zip"]

MAX_TOTAL_BYTES = 4 * 1024**3
MAX_ENTRIES = 100_000
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class UnsafeEntry:
    """A refused entry: `kind` is `unsafe-path`, `symlink`, `special-file`, `duplicate` or `too-large`."""

    name: str
    kind: str
    reason: str


@dataclass
class ExtractedZip:
    """The safe part of a zip, extracted under `dest`; `unsafe` lists what was refused."""

    dest: Path
    unsafe: list[UnsafeEntry] = field(default_factory=list)
    sha256: dict[Path, str] = field(default_factory=dict)
    """Digest of every extracted file, computed while writing it (saves reading it again)."""


def _unsafe_reason(name: str) -> str | None:
    if "\x00" in name:
        return "its name contains a NUL byte"
    if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":" and name[0].isalpha()):
        return "it has an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "its path climbs out of the archive with `..`"
    return None


def _mode_of(info: zipfile.ZipInfo) -> int:
    unix = info.external_attr >> 16
    if info.create_system == 3 and unix:
        return unix
    # Archives made on Windows carry no Unix mode: regular file, writable unless the DOS read-only bit is set.
    readonly = info.external_attr & 0x01
    return (stat.S_IFDIR | 0o755) if info.is_dir() else (stat.S_IFREG | (0o444 if readonly else 0o644))


def _classify(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    reason = _unsafe_reason(info.filename)
    if reason is not None:
        return "unsafe-path", reason
    mode = _mode_of(info)
    if stat.S_ISLNK(mode):
        return "symlink", "it is a symbolic link"
    if info.is_dir():
        return None
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "special-file", "it is not a regular file"
    return None


def _inside(dest: Path, name: str) -> Path:
    rel = PurePosixPath(name.replace("\\", "/"))
    target = dest.joinpath(*[p for p in rel.parts if p not in ("", ".")])
    if os.path.commonpath([str(dest), str(target)]) != str(dest):  # belt and braces after _unsafe_reason
        raise ValueError(name)
    return target


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:g} GiB"
    if count >= 1024**2:
        return f"{count / 1024**2:g} MiB"
    return f"{count} bytes"


class _Budget:
    """Bytes left before the archive counts as a zip bomb; shared by the extraction threads."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.exceeded = False
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            self.left -= size
            if self.left < 0:
                self.exceeded = True
            return not self.exceeded


class _Handles:
    """One open ZipFile per worker thread, so threads never share a file position."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self._opened: list[zipfile.ZipFile] = []
        self._lock = threading.Lock()

    def get(self) -> zipfile.ZipFile:
        archive: zipfile.ZipFile | None = getattr(self._local, "archive", None)
        if archive is None:
            archive = zipfile.ZipFile(self._path)
            self._local.archive = archive
            with self._lock:
                self._opened.append(archive)
        return archive

    def close(self) -> None:
        for archive in self._opened:
            archive.close()


def _write(handles: _Handles, info: zipfile.ZipInfo, target: Path, budget: _Budget) -> str:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags, 0o600)
    digest = hashlib.sha256()
    # zlib, crc32 and sha256 release the GIL, so worker threads decompress in parallel.
    with os.fdopen(fd, "wb") as out, handles.get().open(info) as src:
        while chunk := src.read(_CHUNK):
            if not budget.take(len(chunk)):
                raise OverflowError(info.filename)
            digest.update(chunk)
            out.write(chunk)
    target.chmod(stat.S_IMODE(_mode_of(info)) & 0o777)
    return digest.hexdigest()


def _plan(
    infos: list[zipfile.ZipInfo], dest: Path, result: ExtractedZip
) -> list[tuple[zipfile.ZipInfo, Path]]:
    """Refuse hostile and duplicate entries, create directories; return the files to write."""
    seen: set[str] = set()
    files: list[tuple[zipfile.ZipInfo, Path]] = []
    for info in infos:
        problem = _classify(info)
        if problem is not None:
            result.unsafe.append(UnsafeEntry(info.filename, *problem))
            continue
        key = info.filename.replace("\\", "/").rstrip("/")
        if key in seen:
            result.unsafe.append(UnsafeEntry(info.filename, "duplicate", "the name appears twice"))
            continue
        seen.add(key)
        target = _inside(dest, info.filename)
        try:
            (target if info.is_dir() else target.parent).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"it could not be extracted ({exc.strerror or exc})"
            result.unsafe.append(UnsafeEntry(info.filename, "unextractable", reason))
            continue
        if not info.is_dir():
            files.append((info, target))
    return files


def extract_zip(path: Path, dest: Path) -> ExtractedZip:
    """Extract the safe entries of the zip at `path` into the existing, empty directory `dest`.

    Raises:
        zipfile.BadZipFile: `path` is not a zip archive.
    """
    dest = dest.resolve()
    result = ExtractedZip(dest)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        result.unsafe.append(
            UnsafeEntry(path.name, "too-large", f"it has {len(infos)} entries (limit {MAX_ENTRIES})")
        )
        return result
    files = _plan(infos, dest, result)
    budget = _Budget(MAX_TOTAL_BYTES)
    order = sorted(range(len(files)), key=lambda i: -files[i][0].file_size)  # biggest first: even load
    workers = max(1, min(4, os.cpu_count() or 1, len(files)))
    handles = _Handles(path)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {i: pool.submit(_write, handles, *files[i], budget) for i in order}
    finally:
        handles.close()
    for i, (info, target) in enumerate(files):
        future = futures[i]
        try:
            result.sha256[target] = future.result()
        except OverflowError:
            continue
        except OSError as exc:
            reason = f"it could not be extracted ({exc.strerror or exc})"
            result.unsafe.append(UnsafeEntry(info.filename, "unextractable", reason))
    if budget.exceeded:
        for _, target in files:
            target.unlink(missing_ok=True)
        result.sha256.clear()
        result.unsafe.append(
            UnsafeEntry(
                path.name, "too-large", f"it expands to more than {_size(MAX_TOTAL_BYTES)} (zip bomb?)"
            )
        )
    return result
