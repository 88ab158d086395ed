"""A plugin project on disk: `pyproject.toml` with `[tool.gpctl]`, and `src/plugin.json`.

Layout of a project made by `gpctl new` (create-plugin's layout, with the backend in Python under `pkg/`):

    pyproject.toml        [project] name/version; [tool.gpctl] plugin = "weather.plugin:ds"
    pkg/weather/plugin.py the backend (`Datasource` or `App` object named by `[tool.gpctl] plugin`)
    src/plugin.json       Grafana's plugin.json (`executable`, `id`, ...), next to the frontend sources
    dist/                 what `gpctl build` produces and Grafana loads

`[tool.gpctl]` keys: `plugin` (required, `module:attribute`), `source` (directory put on `sys.path`, default
`pkg`), `plugin-json` (default `src/plugin.json`), `dist` (default `dist`).
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpctl.errors import ProjectError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Project", "load_entry"]


@dataclass(frozen=True)
class Project:
    """A loaded plugin project; paths are absolute."""

    root: Path
    name: str
    version: str
    plugin_ref: str
    source_dir: Path
    plugin_json_path: Path
    dist_dir: Path
    plugin_json: dict[str, Any]

    @property
    def plugin_id(self) -> str:
        return str(self.plugin_json.get("id", ""))

    @property
    def executable(self) -> str | None:
        value = self.plugin_json.get("executable")
        return str(value) if value else None

    @property
    def plugin_type(self) -> str:
        return str(self.plugin_json.get("type", ""))

    def display_path(self, path: Path) -> str:
        """`path` relative to the project root (e.g. `dist/plugin.json`) when it is inside it, else in full."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """Load the project whose `pyproject.toml` with `[tool.gpctl]` is at `start` or above it."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            pyproject = candidate / "pyproject.toml"
            if pyproject.is_file() and "tool" in (data := _read_toml(pyproject)) and "gpctl" in data["tool"]:
                return cls._from_pyproject(candidate, data)
        raise ProjectError(
            f"No plugin project at `{here}`: no pyproject.toml with a [tool.gpctl] table here or above.",
            hint="Run the command inside a project made by `gpctl new`, or pass its directory.",
        )

    @classmethod
    def _from_pyproject(cls, root: Path, data: dict[str, Any]) -> Project:
        tool = data["tool"]["gpctl"]
        project = data.get("project", {})
        plugin_ref = tool.get("plugin")
        if not isinstance(plugin_ref, str) or ":" not in plugin_ref:
            raise ProjectError(
                f"`tool.gpctl.plugin` in `{root / 'pyproject.toml'}` must be `module:attribute`, "
                f"e.g. `weather.plugin:ds`; found `{plugin_ref}`."
            )
        plugin_json_path = root / str(tool.get("plugin-json", "src/plugin.json"))
        if not plugin_json_path.is_file():
            raise ProjectError(f"The project has no plugin.json at `{plugin_json_path}`.")
        try:
            plugin_json = json.loads(plugin_json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ProjectError(
                f"`{plugin_json_path}` is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        if not isinstance(plugin_json, dict):
            raise ProjectError(f"`{plugin_json_path}` must hold a JSON object.")
        return cls(
            root=root,
            name=str(project.get("name", root.name)),
            version=str(project.get("version", "0.0.0")),
            plugin_ref=plugin_ref,
            source_dir=root / str(tool.get("source", "pkg")),
            plugin_json_path=plugin_json_path,
            dist_dir=root / str(tool.get("dist", "dist")),
            plugin_json=plugin_json,
        )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"`{path}` is not valid TOML: {exc}.") from exc


def load_entry(ref: str, source_dir: Path | None = None) -> Any:
    """Import `module:attribute` (with `source_dir` first on `sys.path`) and return the attribute."""
    module_name, _, attribute = ref.partition(":")
    if source_dir is not None and str(source_dir) not in sys.path:
        sys.path.insert(0, str(source_dir))
    module = importlib.import_module(module_name)
    try:
        obj = module
        for part in attribute.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        raise ProjectError(f"Module `{module_name}` has no attribute `{attribute}` (from `{ref}`).") from None
    return obj
