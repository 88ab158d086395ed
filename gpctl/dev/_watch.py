"""What `gpctl dev` watches: uvicorn-style include/exclude patterns over a few directories.

Defaults: the backend source directory and the directory of `plugin.json`, recursively; files named `*.py`,
`plugin.json` or `pyproject.toml`; never anything under `.git`, `node_modules`, `dist` or a cache directory, nor
names matching uvicorn's default excludes (`.*`, `.py[cod]`, `.sw.*`, `~*`). `pyproject.toml` itself is checked by
modification time on every idle tick, so editors that save by renaming never lose the watch.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading

__all__ = ["DEFAULT_EXCLUDES", "DEFAULT_INCLUDES", "IGNORED_DIRS", "WatchSpec", "watch_changes"]

DEFAULT_INCLUDES: tuple[str, ...] = ("*.py", "plugin.json", "pyproject.toml")
DEFAULT_EXCLUDES: tuple[str, ...] = (".*", ".py[cod]", ".sw.*", "~*")
IGNORED_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "dist",
        "build",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".idea",
    }
)

DEBOUNCE_MS = 50
"""Longest time changes are grouped into one batch (watchfiles' default is 1600 ms)."""
STEP_MS = 5
"""Quiet time that ends a batch; watchfiles' write-to-event latency is about this (its default is 50 ms)."""


@dataclass(frozen=True)
class WatchSpec:
    """Directories to watch and the uvicorn-style patterns that decide which changed files trigger a reload."""

    root: Path
    dirs: tuple[Path, ...]
    includes: tuple[str, ...] = DEFAULT_INCLUDES
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    polled: tuple[Path, ...] = field(default_factory=tuple)

    @classmethod
    def for_project(
        cls,
        root: Path,
        default_dirs: Sequence[Path],
        *,
        reload_dirs: Sequence[Path] = (),
        reload_includes: Sequence[str] = (),
        reload_excludes: Sequence[str] = (),
    ) -> WatchSpec:
        """Build the spec: given dirs replace the defaults, given patterns add to them (as in uvicorn)."""
        dirs = [(root / d).resolve() for d in reload_dirs] or [d.resolve() for d in default_dirs]
        unique = tuple(dict.fromkeys(d for d in dirs if d.is_dir()))
        includes = tuple(dict.fromkeys((*DEFAULT_INCLUDES, *reload_includes)))
        excludes = tuple(p for p in dict.fromkeys((*DEFAULT_EXCLUDES, *reload_excludes)) if p not in includes)
        return cls(root.resolve(), unique, includes, excludes, (root.resolve() / "pyproject.toml",))

    def accepts(self, path: str | Path) -> bool:
        """Tell whether a change to `path` should reload the plugin."""
        pure = PurePath(path)
        try:
            relative = pure.relative_to(self.root)
        except ValueError:
            relative = pure
        if any(part in IGNORED_DIRS for part in relative.parts[:-1]):
            return False
        name = pure.name
        for pattern in self.excludes:
            if "/" in pattern:
                if fnmatch.fnmatch(relative.as_posix(), pattern):
                    return False
            elif any(fnmatch.fnmatch(part, pattern) for part in relative.parts):
                return False
        return any(
            fnmatch.fnmatch(relative.as_posix() if "/" in pattern else name, pattern)
            for pattern in self.includes
        )


def watch_changes(spec: WatchSpec, stop: threading.Event) -> Iterator[list[Path]]:
    """Yield batches of changed files that pass `spec`, until `stop` is set."""
    import watchfiles

    mtimes = {path: _mtime(path) for path in spec.polled}
    for batch in watchfiles.watch(
        *spec.dirs,
        watch_filter=lambda _change, path: spec.accepts(path),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=1000,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        changed = {Path(path) for _change, path in batch}
        for path, before in mtimes.items():
            now = _mtime(path)
            if now != before:
                mtimes[path] = now
                changed.add(path)
        if changed:
            yield sorted(changed)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
