"""plugin.json against the bundled official schema: exact messages."""

from __future__ import annotations

import copy
import hashlib
from importlib import resources
from typing import Any

import pytest

from gpctl.validate import load_schema, plugin_json_errors

GOOD: dict[str, Any] = {
    "$schema": "https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json",
    "type": "datasource",
    "name": "Weather",
    "id": "myorg-weather-datasource",
    "metrics": True,
    "backend": True,
    "alerting": True,
    "executable": "gpx_weather",
    "info": {
        "description": "Weather data.",
        "author": {"name": "My Org", "url": "https://example.com"},
        "keywords": ["datasource", "weather"],
        "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
        "links": [{"name": "Website", "url": "https://example.com"}],
        "screenshots": [],
        "version": "%VERSION%",
        "updated": "%TODAY%",
    },
    "dependencies": {"grafanaDependency": ">=12.3.0", "plugins": []},
}


def _with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        keys = dotted.split("__")
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return data


_DELETE = object()


def test_schema_is_the_bundled_official_file() -> None:
    raw = resources.files("gpctl.validate").joinpath("schema/plugin.schema.json").read_bytes()
    assert (
        hashlib.sha256(raw).hexdigest() == "06c15dbb5247775f9fa185608f607759252ec51c62aa5f49d0d3217c027d7429"
    )
    assert load_schema()["$id"] == "https://grafana.com/plugin-metadata"


def test_good_plugin_json_has_no_errors() -> None:
    assert plugin_json_errors(GOOD) == []


def test_released_values_are_valid() -> None:
    data = _with(info__version="1.2.3", info__updated="2026-07-13")
    assert plugin_json_errors(data) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"id": _DELETE}, ["`id`: required property is missing."]),
        (
            {"id": "MyPlugin"},
            [
                "`id`: expected a lowercase id `<org>-<name>-<type>` ending in `-app`, `-panel` or "
                '`-datasource`, got `"MyPlugin"`.'
            ],
        ),
        (
            {"type": "widget"},
            ['`type`: expected one of `"app"`, `"datasource"`, `"panel"`, `"renderer"`, got `"widget"`.'],
        ),
        ({"backend": "yes"}, ['`backend`: expected a boolean, got `"yes"`.']),
        ({"gpctl": {}}, ["`gpctl`: unknown property; `(root)` allows only the properties in the schema."]),
        ({"info__keywords": []}, ["`info.keywords`: expected at least 1 item, got 0."]),
        ({"info__logos": {"small": "img/logo.svg"}}, ["`info.logos.large`: required property is missing."]),
        (
            {"info__links": [{"name": "x", "url": "not a uri"}]},
            ['`info.links[0].url`: expected an absolute URI, got `"not a uri"`.'],
        ),
        (
            {"info__author": {"name": "x", "email": "nobody"}},
            ['`info.author.email`: expected an email address, got `"nobody"`.'],
        ),
        (
            {"dependencies": {}},
            ["`dependencies.grafanaDependency`: required property is missing."],
        ),
    ],
)
def test_errors_name_the_path_and_what_is_expected(changes: dict[str, Any], expected: list[str]) -> None:
    assert plugin_json_errors(_with(**changes)) == expected


def test_several_errors_are_sorted_by_path() -> None:
    data = _with(name=_DELETE, info__version=12)
    assert plugin_json_errors(data) == [
        "`info.version`: expected a string, got `12`.",
        "`name`: required property is missing.",
    ]
