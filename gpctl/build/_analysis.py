"""Read PyInstaller's warn file to catch excluded modules the plugin's own dependencies import at top level.

gpctl leaves some optional modules out of every bundle (pandas, requests, yaml, ... unless the plugin's code
imports them). When a third-party package the plugin uses imports one of them, the bundle would fail at run time;
the warn file records it at build time: `excluded module named urllib3 - imported by influxdb_client.rest
(top-level), ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["EXPECTED_IMPORTERS", "excluded_imports", "missing_excluded"]

EXPECTED_IMPORTERS = frozenset(
    {
        "pyarrow",
        "numpy",
        "pandas",
        "polars",
        "requests",
        "urllib3",
        "cffi",
        "importlib",
        "zipimport",
        "grpc",
        "google",
        "gpctl",
        "httpx",  # its command line (`httpx._main`) imports pygments, rich and click; a plugin never runs it
    }
)
"""Packages whose imports of excluded modules are optional or only used by code a plugin never runs."""

_LINE = re.compile(r"^excluded module named (?P<name>\S+) - imported by (?P<by>.*)$")
_IMPORTER = re.compile(r"(?P<module>[^\s,()]+) \((?P<kinds>[^)]*)\)")


def excluded_imports(warn_file: Path) -> dict[str, list[tuple[str, set[str]]]]:
    """Map each excluded module to `(importer, {"top-level", "delayed", ...})` pairs from a PyInstaller warn file."""
    result: dict[str, list[tuple[str, set[str]]]] = {}
    if not warn_file.is_file():
        return result
    for line in warn_file.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line.strip())
        if match is None:
            continue
        importers = [
            (m["module"], {k.strip() for k in m["kinds"].split(",")}) for m in _IMPORTER.finditer(match["by"])
        ]
        result.setdefault(match["name"], []).extend(importers)
    return result


def missing_excluded(warn_file: Path, optional: Iterable[str]) -> list[str]:
    """Warnings for `optional` modules that some unexpected package imports unconditionally at top level."""
    table = excluded_imports(warn_file)
    warnings = []
    for name in optional:
        needed_by = sorted(
            importer
            for importer, kinds in table.get(name, [])
            if kinds == {"top-level"} and importer.partition(".")[0] not in EXPECTED_IMPORTERS | {name}
        )
        if needed_by:
            warnings.append(
                f"`{name}` is left out of the bundle, but `{needed_by[0]}` imports it; add "
                f'`hidden-imports = ["{name}"]` to [tool.gpctl.build] in pyproject.toml if the plugin needs it.'
            )
    return warnings
