"""`[tool.gpctl.build]` in pyproject.toml: what the bundle includes beyond the plugin's own imports.

    [tool.gpctl.build]
    excludes = ["sqlite3"]          # more modules to leave out
    hidden-imports = ["my.plugin"]  # modules PyInstaller cannot see (dynamic imports)
    optimize = 0                    # Python -O level of the bundled bytecode (0, 1 or 2)

numpy, pandas, polars, scipy, yaml, requests, cryptography, uvloop, grpc and opentelemetry are optional imports of
pyarrow, numpy, anyio and gpctl.sdk: they are bundled only when the plugin's own sources import them, call a gpctl
API that needs them (`to_numpy`, `to_pandas`, the time-series reshaping helpers), or a package those sources import
or `[project] dependencies` names requires them (or `hidden-imports` names them). `gpctl[otel]` in the
dependencies keeps OpenTelemetry and grpc (its OTLP exporter speaks gRPC). A plugin that never builds frames (an
app with only resources) can add `excludes = ["pyarrow"]` and ship ~80 MiB less.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gpctl.errors import ProjectError
from gpctl.project import _read_toml

__all__ = [
    "IMPLIED_MODULES",
    "BuildSettings",
    "declared_requirements",
    "dependency_closure",
    "implied_top_level",
    "imported_top_level",
    "load_settings",
    "source_files",
]

_KEYS = {"excludes", "hidden-imports", "optimize"}


@dataclass(frozen=True)
class BuildSettings:
    excludes: tuple[str, ...] = ()
    hidden_imports: tuple[str, ...] = ()
    optimize: int = 0


def load_settings(pyproject: Path) -> BuildSettings:
    """Read `[tool.gpctl.build]` from `pyproject`; missing keys keep their defaults.

    Raises:
        ProjectError: invalid TOML, an unknown key or a value of the wrong type.
    """
    table = _read_toml(pyproject).get("tool", {}).get("gpctl", {}).get("build", {})
    where = f"`tool.gpctl.build` in `{pyproject}`"
    if not isinstance(table, dict):
        raise ProjectError(f"{where} must be a table.")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ProjectError(
            f"{where} has unknown key `{unknown[0]}`; known keys: {', '.join(f'`{k}`' for k in sorted(_KEYS))}."
        )
    optimize = table.get("optimize", 0)
    if optimize not in (0, 1, 2):
        raise ProjectError(f"{where}: `optimize` must be 0, 1 or 2; found `{optimize}`.")
    return BuildSettings(
        excludes=_strings(table.get("excludes", []), f"{where}: `excludes`"),
        hidden_imports=_strings(table.get("hidden-imports", []), f"{where}: `hidden-imports`"),
        optimize=int(optimize),
    )


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProjectError(f"{where} must be a list of module names.")
    return tuple(value)


def source_files(source_dir: Path) -> list[Path]:
    """Every file under `source_dir` that can change the bundle, sorted (no caches, no hidden folders)."""
    if not source_dir.is_dir():
        return []
    files = []
    for path in source_dir.rglob("*"):
        parts = path.relative_to(source_dir).parts
        if any(p == "__pycache__" or p.startswith(".") or p.endswith(".egg-info") for p in parts):
            continue
        if path.is_file() and path.suffix not in {".pyc", ".pyo"}:
            files.append(path)
    return sorted(files)


def _python_trees(files: Iterable[Path]) -> Iterator[ast.Module]:
    """The syntax trees of the Python files among `files` (files that do not parse are skipped)."""
    for path in files:
        if path.suffix != ".py":
            continue
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError):
            continue
        yield tree


def imported_top_level(files: Iterable[Path]) -> set[str]:
    """Top-level package names imported anywhere in the given Python files (syntax errors are skipped)."""
    names: set[str] = set()
    for tree in _python_trees(files):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.partition(".")[0])
    return names


IMPLIED_MODULES: dict[str, str] = {
    "to_numpy": "numpy",
    "long_to_wide": "numpy",
    "wide_to_long": "numpy",
    "wide_to_multi": "numpy",
    "multi_to_wide": "numpy",
    "to_pandas": "pandas",
}
"""Names of gpctl.sdk.data (and pyarrow) APIs that import an optional module the plugin itself may never import."""


def implied_top_level(files: Iterable[Path]) -> set[str]:
    """Optional modules the given Python files need through the APIs they call or import (`IMPLIED_MODULES`).

    Any attribute or name spelled like one of those APIs counts (the analysis cannot know the object's type): a
    false match only keeps a module in the bundle.
    """
    names: set[str] = set()
    for tree in _python_trees(files):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in IMPLIED_MODULES:
                names.add(IMPLIED_MODULES[node.attr])
            elif isinstance(node, ast.Name) and node.id in IMPLIED_MODULES:
                names.add(IMPLIED_MODULES[node.id])
            elif isinstance(node, ast.ImportFrom):
                names.update(IMPLIED_MODULES[a.name] for a in node.names if a.name in IMPLIED_MODULES)
    return names


_SKIP_DISTRIBUTIONS = frozenset({"gpctl"})
"""gpctl's own requirements include the toolchain (typer, cookiecutter -> requests, ...): never followed, except
those of the extras a requirement names (`gpctl[otel]`)."""

_REQUIREMENT = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?")
_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*["'](?P<extra>[^"']+)["']""")


def declared_requirements(pyproject: Path) -> tuple[str, ...]:
    """The requirement strings of `[project] dependencies` in `pyproject` (none without the file or the list).

    Raises:
        ProjectError: invalid TOML.
    """
    if not pyproject.is_file():
        return ()
    dependencies = _read_toml(pyproject).get("project", {}).get("dependencies", [])
    if not isinstance(dependencies, list):
        return ()
    return tuple(d for d in dependencies if isinstance(d, str))


def dependency_closure(top_level: Iterable[str], requirements: Iterable[str] = ()) -> set[str]:
    """Top-level module names of the installed distributions that provide `top_level`, of the distributions
    `requirements` (PEP 508 strings, e.g. `[project] dependencies`) name, and of everything they require
    (recursively, with the extras a requirement names): what the plugin needs at run time.
    """
    providers = importlib.metadata.packages_distributions()
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[str, frozenset[str]]] = [
        (dist, frozenset()) for name in top_level for dist in providers.get(name, [])
    ]
    queue += [parsed for requirement in requirements if (parsed := _parse(requirement)) is not None]
    modules: set[str] = set(top_level)
    while queue:
        raw, extras = queue.pop()
        name = _canonical(raw)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        skipped = name in _SKIP_DISTRIBUTIONS
        if skipped and not extras:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if not skipped:
            modules.update(_top_level_names(dist))
        for requirement in dist.requires or []:
            spec, _, marker = requirement.partition(";")
            wanted_by = {_canonical(m["extra"]) for m in _EXTRA_MARKER.finditer(marker)}
            if (wanted_by and not wanted_by & extras) or (skipped and not wanted_by):
                continue
            parsed = _parse(spec)
            if parsed is not None:
                queue.append(parsed)
    return modules


def _parse(requirement: str) -> tuple[str, frozenset[str]] | None:
    """`(distribution, extras)` of a PEP 508 requirement string; `None` when it does not start with a name."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        return None
    extras = frozenset(_canonical(e.strip()) for e in (match["extras"] or "").split(",") if e.strip())
    return match["name"], extras


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_names(dist: importlib.metadata.Distribution) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    names = set()
    for file in dist.files or []:
        first = file.parts[0] if file.parts else ""
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("..", "__pycache__"):
            continue
        names.add(first[:-3] if first.endswith(".py") else first.split(".")[0])
    return names
