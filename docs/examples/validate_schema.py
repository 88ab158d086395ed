"""Check a plugin.json document against Grafana's official schema (bundled with gpctl)."""

from __future__ import annotations

from gpctl.validate import SCHEMA_SOURCE, plugin_json_errors

plugin = {
    "type": "datasource",
    "name": "Weather",
    "id": "myorg-weather-datasource",
    "backend": True,
    "executable": "gpx_weather",
    "info": {
        "keywords": ["weather"],
        "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
        "version": "%VERSION%",
        "updated": "%TODAY%",
    },
    "dependencies": {"grafanaDependency": ">=12.3.0"},
}

# Valid: an empty list.
assert plugin_json_errors(plugin) == []

# Each problem names its JSON path and what is expected, sorted by path.
plugin["id"] = "Weather"
plugin["info"]["keywords"] = []  # type: ignore[index]
plugin[
    "settings"
] = {}  # plugin.json allows no extra top-level keys (gpctl's settings live in pyproject.toml)
errors = plugin_json_errors(plugin)
for error in errors:
    print(error)
assert errors == [
    "`id`: expected a lowercase id `<org>-<name>-<type>` ending in `-app`, `-panel` or `-datasource`, "
    'got `"Weather"`.',
    "`info.keywords`: expected at least 1 item, got 0.",
    "`settings`: unknown property; `(root)` allows only the properties in the schema.",
]
print("schema:", SCHEMA_SOURCE)
