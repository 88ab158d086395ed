"""metadata, nestedmetadata, metadatavalid, grafanadependency: every plugin.json parses and fits the schema."""

from __future__ import annotations

import json

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity
from gpctl.validate._schema import plugin_json_errors
from gpctl.validate._semver import is_constraint

__all__ = ["RULES", "check_dependency", "check_schema", "load_metadata"]

E = Severity.ERROR
MISSING = Rule("missing-metadata", "metadata", E, "The plugin directory has no plugin.json.")
NOT_PARSED = Rule("invalid-metadata", "nestedmetadata", E, "A plugin.json is not a JSON object.")
SCHEMA = Rule("invalid-metadata", "metadatavalid", E, "A plugin.json does not fit Grafana's official schema.")
DEPENDENCY = Rule(
    "invalid-grafana-dependency",
    "grafanadependency",
    E,
    "`dependencies.grafanaDependency` is not a valid semver range.",
)

RULES = (MISSING, NOT_PARSED, SCHEMA, DEPENDENCY)


def load_metadata(ctx: Context) -> None:
    """Parse every plugin.json under the root into `ctx.metadata` (nestedmetadata + metadata)."""
    if ctx.root is None:
        return
    found = [p for p in ctx.files() if p.name == "plugin.json"]
    if not (ctx.root / "plugin.json").is_file():
        ctx.report(
            MISSING,
            "plugin.json",
            "`plugin.json` is missing; Grafana loads a plugin only from a directory with a plugin.json at its root.",
        )
    for path in found:
        rel = ctx.rel(path)
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            ctx.report(NOT_PARSED, rel, "The file is not UTF-8 text; write plugin.json as UTF-8 JSON.")
            continue
        except json.JSONDecodeError as exc:
            ctx.report(
                NOT_PARSED,
                rel,
                f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            )
            continue
        if not isinstance(data, dict):
            ctx.report(NOT_PARSED, rel, f"The file holds a JSON {type(data).__name__}, not an object.")
            continue
        ctx.metadata[rel] = data


def check_schema(ctx: Context) -> None:
    """metadatavalid: each plugin.json against Grafana's bundled official schema."""
    for rel, data in ctx.metadata.items():
        for message in plugin_json_errors(data):
            ctx.report(SCHEMA, rel, message)


def check_dependency(ctx: Context) -> None:
    """grafanadependency: the root plugin.json's `dependencies.grafanaDependency` parses as a semver range."""
    main = ctx.main
    if main is None:
        return
    deps = main.get("dependencies")
    value = deps.get("grafanaDependency", "") if isinstance(deps, dict) else ""
    if not isinstance(value, str) or not is_constraint(value):
        shown = json.dumps(value)
        ctx.report(
            DEPENDENCY,
            "plugin.json",
            f"`dependencies.grafanaDependency` `{shown}` is not a semver range; set it to the oldest Grafana "
            "the plugin supports, e.g. `>=12.3.0`.",
        )
