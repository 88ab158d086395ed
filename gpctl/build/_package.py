"""`package()`: zips Grafana installs, one per OS/arch plus one with every arch, from a built `dist/`.

Each zip has a single top-level folder named exactly the plugin id, executables with mode 0755 and every other file
0644, no symlinks (in-tree links are stored as the file they point to; others are refused), fixed timestamps and
sorted entries, and a `.sha1` and `.sha256` file next to it. With signing, each staging folder is signed before it
is zipped, so each zip's MANIFEST.txt lists exactly its own files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpctl.build._assets import build_time
from gpctl.build._targets import KNOWN_TARGETS, Target, parse_target
from gpctl.errors import BuildError
from gpctl.project import Project

__all__ = ["EXCLUDED_FILES", "Package", "package", "write_zip"]

EXCLUDED_FILES = frozenset({"standalone.txt", "pid.txt", "MANIFEST.txt", ".DS_Store"})
"""Never packaged: `gpctl dev`'s standalone markers (Grafana's backend rejects them) and stale manifests; hidden
files at the top of `dist/` (editor and tool leftovers) are left out too."""

_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can carry


@dataclass(frozen=True)
class Package:
    """One zip and its checksums; `target` is None for the all-arch zip."""

    zip_path: Path
    target: Target | None
    sha1: str
    sha256: str


def package(
    project: Project,
    *,
    sign: bool = False,
    sign_options: Mapping[str, Any] | None = None,
    out_dir: Path | None = None,
    variant: str | None = None,
    dist: Path | None = None,
) -> list[Path]:
    """Zip `dist/` into `<id>-<version>.<os>_<arch>.zip` per built target plus `<id>-<version>.zip`.

    Args:
        project: the plugin project, already built.
        sign: sign each staging folder with `gpctl.sign.sign_directory` before zipping it.
        sign_options: keyword arguments for `sign_directory` (`key`, `root_urls`, `signature_type`, ...).
        out_dir: where the zips go; default `<root>/packages`.
        variant: a build variant such as `musl`: per-arch zips are named `<id>-<version>.<os>_<arch>_<variant>.zip`
            and no all-arch zip is written.
        dist: package this folder instead of the project's `dist/` (e.g. a CI artifact).

    Returns:
        The zip paths, per-arch first, then the all-arch zip.

    Raises:
        BuildError: `dist/` is not built, holds no executable, or has a link pointing outside it.
    """
    packages = package_all(
        project, sign=sign, sign_options=sign_options, out_dir=out_dir, variant=variant, dist=dist
    )
    return [p.zip_path for p in packages]


def package_all(
    project: Project,
    *,
    sign: bool = False,
    sign_options: Mapping[str, Any] | None = None,
    out_dir: Path | None = None,
    variant: str | None = None,
    dist: Path | None = None,
) -> list[Package]:
    """Like `package()`, returning checksums and targets as well."""
    dist = dist or project.dist_dir
    plugin_json = dist / "plugin.json"
    if not plugin_json.is_file():
        raise BuildError(f"`{plugin_json}` does not exist; run `gpctl build` first.")
    meta = json.loads(plugin_json.read_text(encoding="utf-8"))
    plugin_id = str(meta.get("id") or project.plugin_id)
    version = str(meta.get("info", {}).get("version") or project.version)
    if "%" in version:
        version = project.version
    executable = Path(str(meta.get("executable") or project.executable or "")).name
    built = _built_targets(dist, executable)
    if executable and not built:
        raise BuildError(
            f"`{dist}` holds no backend executable named `{executable}_<os>_<arch>`; run `gpctl build` first."
        )
    out = out_dir or project.root / "packages"
    out.mkdir(parents=True, exist_ok=True)
    staging_root = project.root / ".gpctl" / "package"
    if staging_root.exists():
        shutil.rmtree(staging_root)
    owned = {name for t in built for name in _target_files(t, executable)}
    common = sorted(
        p
        for p in dist.iterdir()
        if p.name not in owned and p.name not in EXCLUDED_FILES and not p.name.startswith(".")
    )
    plans: list[tuple[Target | None, str, list[Target]]] = []
    for target in built:
        suffix = target.suffix if variant is None else f"{target.suffix}_{variant}"
        plans.append((target, f"{plugin_id}-{version}.{suffix}.zip", [target]))
    if variant is None:
        plans.append((None, f"{plugin_id}-{version}.zip", built))
    when = build_time()
    packages = []
    zipped: dict[tuple[Target, ...], Path] = {}
    for only, zip_name, members in plans:
        zip_path = out / zip_name
        same = zipped.get(tuple(members))
        if same is not None:  # one target: the all-arch zip has exactly the per-arch zip's files
            shutil.copyfile(same, zip_path)
            packages.append(_checksums(zip_path, only))
            continue
        stage = staging_root / (only.suffix if only else "all") / plugin_id
        _stage(dist, stage, common, [_target_files(t, executable) for t in members])
        if sign:
            from gpctl.sign import sign_directory

            sign_directory(stage, **dict(sign_options or {}))
        write_zip(stage, zip_path, when=when)
        zipped[tuple(members)] = zip_path
        packages.append(_checksums(zip_path, only))
    return packages


def _built_targets(dist: Path, executable: str) -> list[Target]:
    if not executable:
        return []
    found = []
    for text in KNOWN_TARGETS:
        target = parse_target(text)
        if (dist / target.executable_name(executable)).is_file():
            found.append(target)
    return found


def _target_files(target: Target, executable: str) -> tuple[str, str]:
    return target.executable_name(executable), target.contents_dir_name(executable)


def _stage(dist: Path, stage: Path, common: list[Path], members: list[tuple[str, str]]) -> None:
    """Copy the files of one zip into `stage`, resolving in-tree links and setting modes."""
    stage.mkdir(parents=True)
    dist_root = dist.resolve()
    executables = set()
    sources = list(common)
    for exe, contents in members:
        executables.add(exe)
        sources.append(dist / exe)
        if (dist / contents).exists():
            sources.append(dist / contents)
    for source in sources:
        paths = (
            [source] if not source.is_dir() or source.is_symlink() else [source, *sorted(source.rglob("*"))]
        )
        for path in paths:
            rel = path.relative_to(dist)
            if path.name in EXCLUDED_FILES:
                continue
            real = path.resolve()
            if path.is_symlink() and (not real.exists() or not real.is_relative_to(dist_root)):
                raise BuildError(
                    f"`{path}` is a link to `{path.readlink()}`, outside the plugin folder; a plugin zip "
                    "cannot hold it. Replace the link with the file."
                )
            dest = stage / rel
            if real.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                dest.chmod(0o755)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(real, dest)
            dest.chmod(0o755 if rel.as_posix() in executables else 0o644)


def write_zip(stage: Path, zip_path: Path, *, when: float) -> None:
    """Zip the folder `stage` (its name becomes the top-level folder) with sorted entries and fixed times."""
    stamp = max(int(when), _ZIP_EPOCH)
    date_time = time.gmtime(stamp)[:6]
    tmp = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        entries = [stage, *sorted(stage.rglob("*"), key=lambda p: p.relative_to(stage).as_posix())]
        for path in entries:
            arcname = Path(stage.name, path.relative_to(stage)).as_posix()
            mode = stat.S_IMODE(path.stat().st_mode)
            if path.is_dir():
                info = zipfile.ZipInfo(arcname + "/", date_time)
                info.external_attr = ((stat.S_IFDIR | mode) << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(arcname, date_time)
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so the modes are honoured
                with path.open("rb") as src, archive.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    tmp.replace(zip_path)


def _checksums(zip_path: Path, target: Target | None) -> Package:
    sha1 = hashlib.sha1()
    sha256 = hashlib.sha256()
    with zip_path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
            sha256.update(chunk)
    zip_path.with_name(zip_path.name + ".sha1").write_text(sha1.hexdigest() + "\n", encoding="ascii")
    zip_path.with_name(zip_path.name + ".sha256").write_text(sha256.hexdigest() + "\n", encoding="ascii")
    return Package(zip_path=zip_path, target=target, sha1=sha1.hexdigest(), sha256=sha256.hexdigest())
