"""What every rule sees: the plugin directory on disk, its parsed plugin.json files, and a `report()` sink."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpctl.validate._report import BinaryInfo, CatalogNote, Finding, Rule

__all__ = ["ArchiveView", "Context"]

_SKIP_DIRS = frozenset({"node_modules", ".git"})


@dataclass
class ArchiveView:
    """A zip as the archive rules see it: its file name and the extracted top-level entries."""

    name: str
    extracted: Path
    per_arch_target: str | None = None
    """`os/arch` when the zip is named `<id>-<version>.<os>_<arch>[_<variant>].zip`."""
    variant: str | None = None
    """The build variant in a per-arch zip's name, e.g. `musl`."""


@dataclass
class Context:
    """Shared state of one validation run; rules add findings through `report()`."""

    root: Path | None
    """The plugin directory (what Grafana loads); `None` when the archive has no usable root."""
    display: str
    """How `root` is shown in paths, e.g. `dist` or `myorg-weather-datasource`."""
    kind: str
    archive: ArchiveView | None = None
    targets: tuple[str, ...] = ()
    """Targets that must have an executable (`os/arch`), from the caller or a per-arch zip name."""
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Parsed plugin.json objects keyed by POSIX path relative to `root` (`plugin.json`, `datasource/plugin.json`)."""
    findings: list[Finding] = field(default_factory=list)
    binaries: list[BinaryInfo] = field(default_factory=list)
    catalog_only: list[CatalogNote] = field(default_factory=list)
    digests: dict[Path, str] = field(default_factory=dict)
    """sha256 of files already hashed (while extracting a zip), keyed by absolute path."""

    @property
    def main(self) -> dict[str, Any] | None:
        """The root plugin.json, parsed, or `None` when missing or not a JSON object."""
        return self.metadata.get("plugin.json")

    def show(self, rel: str | Path = "") -> str:
        """Display form of a path relative to `root`."""
        text = Path(rel).as_posix() if rel else ""
        if text in ("", "."):
            return self.display
        return f"{self.display}/{text}" if self.display else text

    def report(self, rule: Rule, rel: str | Path, message: str) -> None:
        """Record a finding of `rule` about `rel` (relative to `root`)."""
        self.findings.append(Finding(rule.id, rule.analyzer, rule.severity, self.show(rel), message))

    def report_at(self, rule: Rule, shown: str, message: str) -> None:
        """Record a finding with an already formatted path (e.g. the zip's own name)."""
        self.findings.append(Finding(rule.id, rule.analyzer, rule.severity, shown, message))

    def files(self, under: Path | None = None) -> Iterator[Path]:
        """Every regular file below `under` (default `root`), sorted, without following symlinks."""
        base = under if under is not None else self.root
        if base is None or not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                path = Path(dirpath, name)
                if path.is_file() and not path.is_symlink():
                    yield path

    def rel(self, path: Path) -> str:
        """POSIX path of `path` relative to `root`."""
        if self.root is None:
            raise ValueError(f"no plugin root to relate {path} to")
        return path.relative_to(self.root).as_posix()

    def read_text(self, rel: str) -> str | None:
        """Text of a file relative to `root`, or `None` when it does not exist."""
        if self.root is None:
            return None
        path = self.root / rel
        if not path.is_file():
            return None
        return path.read_bytes().decode("utf-8", errors="replace")
