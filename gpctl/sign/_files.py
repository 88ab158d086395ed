"""The files a signature covers: walk a plugin directory the way @grafana/sign-plugin and Grafana both do.

Rules (shared by the signer and Grafana's loader): every regular file below the directory counts, under its
`/`-separated path relative to the directory; a symbolic link to a file inside the directory counts under the
link's own path; symbolic links to directories are not followed; a link whose target lies outside the directory
(or does not exist) is an error. `MANIFEST.txt` at the top level is the signature itself and never counts.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from gpctl.errors import SignError

__all__ = ["MANIFEST_NAME", "collect_files", "sha256_file"]

MANIFEST_NAME = "MANIFEST.txt"
_CHUNK = 1 << 20


def collect_files(root: Path) -> dict[str, Path]:
    """Map each signed file's posix relative path to its location, sorted by path.

    Raises:
        SignError: a symbolic link points outside `root` or to nothing.
    """
    base = Path(os.path.realpath(root))
    found: dict[str, Path] = {}
    _walk(base, base, (), found)
    found.pop(MANIFEST_NAME, None)
    return dict(sorted(found.items()))


def _walk(base: Path, directory: Path, parts: tuple[str, ...], found: dict[str, Path]) -> None:
    with os.scandir(directory) as entries:
        listing = sorted(entries, key=lambda e: e.name)
    for entry in listing:
        rel = (*parts, entry.name)
        path = Path(entry.path)
        if entry.is_symlink():
            if _link_target_is_file(base, path, "/".join(rel)):
                found["/".join(rel)] = path
        elif entry.is_dir(follow_symlinks=False):
            _walk(base, path, rel, found)
        elif entry.is_file(follow_symlinks=False):
            found["/".join(rel)] = path


def _link_target_is_file(base: Path, link: Path, rel: str) -> bool:
    target = Path(os.path.realpath(link))
    if not target.exists():
        raise SignError(f"Symbolic link `{rel}` points to `{link.readlink()}`, which does not exist.")
    if target != base and base not in target.parents:
        raise SignError(
            f"Symbolic link `{rel}` points outside the plugin directory (to `{target}`); "
            "copy the file into the directory instead."
        )
    return target.is_file()


def sha256_file(path: Path) -> str:
    """Return the lowercase hex sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
