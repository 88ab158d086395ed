"""pluginname, typesuffix, discoverability, restrictivedep, version: what the catalog expects of plugin.json."""

from __future__ import annotations

import json
import re

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity
from gpctl.validate._semver import is_version

__all__ = ["RULES", "check"]

E, W = Severity.ERROR, Severity.WARNING
HUMAN_NAME = Rule("human-friendly-name", "pluginname", E, "`name` equals the plugin id.")
ID_FORMAT = Rule("invalid-id-format", "pluginname", W, "The plugin id has fewer than 3 dash-separated parts.")
TYPE_SUFFIX = Rule("plugin-type-suffix", "typesuffix", E, "The plugin id does not end with its type.")
NO_DESCRIPTION = Rule("empty-description", "discoverability", W, "`info.description` is empty.")
NO_KEYWORDS = Rule("empty-keywords", "discoverability", W, "`info.keywords` is empty.")
PATCH_ONLY = Rule(
    "depends-on-patch-releases", "restrictivedep", W, "`grafanaDependency` allows only one minor release."
)
SINGLE = Rule(
    "depends-on-single-release", "restrictivedep", W, "`grafanaDependency` allows one Grafana release."
)
VERSION = Rule("wrong-plugin-version", "version", E, "`info.version` is not a semver version.")

RULES = (HUMAN_NAME, ID_FORMAT, TYPE_SUFFIX, NO_DESCRIPTION, NO_KEYWORDS, PATCH_ONLY, SINGLE, VERSION)

_PATCH_ONLY = re.compile(r"^[0-9]+\.[0-9]+\.x$")
_SINGLE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
_WHERE = "plugin.json"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def check(ctx: Context) -> None:
    """All naming and discoverability checks on the root plugin.json."""
    main = ctx.main
    if main is None:
        return
    plugin_id, name, kind = _text(main.get("id")), _text(main.get("name")), _text(main.get("type"))
    info_raw = main.get("info")
    info: dict[str, object] = info_raw if isinstance(info_raw, dict) else {}
    if plugin_id and name and plugin_id == name:
        ctx.report(
            HUMAN_NAME,
            _WHERE,
            f"`name` is the plugin id `{plugin_id}`; give the plugin a human-friendly name for the UI.",
        )
    if len(plugin_id.split("-")) < 3:
        ctx.report(
            ID_FORMAT,
            _WHERE,
            f"The plugin id `{plugin_id}` should read `<org>-<name>-<type>`, e.g. `myorg-weather-datasource`.",
        )
    if kind and plugin_id.split("-")[-1] != kind:
        ctx.report(
            TYPE_SUFFIX,
            _WHERE,
            f"The plugin id `{plugin_id}` must end with its type: `-{kind}`.",
        )
    if not _text(info.get("description")):
        ctx.report(
            NO_DESCRIPTION, _WHERE, "`info.description` is empty; describe the plugin for catalog search."
        )
    keywords = info.get("keywords")
    if not isinstance(keywords, list) or not keywords:
        ctx.report(NO_KEYWORDS, _WHERE, "`info.keywords` is empty; add keywords for catalog search.")
    deps_raw = main.get("dependencies")
    deps: dict[str, object] = deps_raw if isinstance(deps_raw, dict) else {}
    dependency = _text(deps.get("grafanaDependency"))
    if _PATCH_ONLY.match(dependency):
        ctx.report(
            PATCH_ONLY,
            _WHERE,
            f"`grafanaDependency` `{dependency}` allows only patch releases of Grafana "
            f"{dependency.removesuffix('.x')}; use a range such as `>={dependency.replace('x', '0')}`.",
        )
    elif _SINGLE.match(dependency):
        ctx.report(
            SINGLE,
            _WHERE,
            f"`grafanaDependency` `{dependency}` allows only Grafana {dependency}; use a range such as "
            f"`>={dependency}`.",
        )
    raw_version = info.get("version")
    version = raw_version if isinstance(raw_version, str) else json.dumps(raw_version)
    if not isinstance(raw_version, str) or not is_version(raw_version):
        ctx.report(
            VERSION,
            _WHERE,
            f"`info.version` `{version}` is not a semver version such as `1.2.3`; build with `gpctl build`, "
            "which replaces `%VERSION%`.",
        )
