"""Plugin ids and derived names, checked against create-plugin's normalizeId and Grafana's id pattern."""

from __future__ import annotations

import pytest

from gpctl.errors import TemplateError
from gpctl.scaffold import (
    PLUGIN_ID_PATTERN,
    executable_name,
    kebab_case,
    normalize_id,
    package_name,
    snake_case,
)
from gpctl.scaffold._names import check_name, check_org, check_plugin_id


@pytest.mark.parametrize(
    ("name", "org", "plugin_type", "expected"),
    [
        ("Weather", "acme", "datasource", "acme-weather-datasource"),
        ("Weather Datasource", "Acme Corp", "datasource", "acmecorp-weather-datasource"),
        ("weather-datasource", "acme", "datasource", "acme-weather-datasource"),
        ("My App", "my-org", "app", "myorg-my-app"),
        ("Café 2", "ACME", "app", "acme-caf2-app"),
        ("App", "acme", "app", "acme--app"),
    ],
)
def test_normalize_id_matches_create_plugin(name: str, org: str, plugin_type: str, expected: str) -> None:
    assert normalize_id(name, org, plugin_type) == expected


def test_an_id_with_an_empty_segment_is_rejected() -> None:
    with pytest.raises(TemplateError) as info:
        check_plugin_id("acme--app")
    assert str(info.value) == (
        f"The plugin id `acme--app` does not match Grafana's pattern `{PLUGIN_ID_PATTERN.pattern}`; "
        "change the name or the organization."
    )


@pytest.mark.parametrize(
    ("text", "snake", "kebab"),
    [
        ("Weather", "weather", "weather"),
        ("My Weather", "my_weather", "my-weather"),
        ("MyWeather API v2", "my_weather_api_v2", "my-weather-api-v2"),
        ("HTTPServer thing", "http_server_thing", "http-server-thing"),
        ("my-cool_plugin", "my_cool_plugin", "my-cool-plugin"),
    ],
)
def test_case_conversions(text: str, snake: str, kebab: str) -> None:
    assert snake_case(text) == snake
    assert kebab_case(text) == kebab


def test_executable_follows_create_plugin() -> None:
    assert executable_name("My Weather") == "gpx_my_weather"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Weather", "weather"),
        ("3D Maps", "plugin_3_d_maps"),
        ("json", "json_plugin"),
        ("class", "class_plugin"),
    ],
)
def test_package_name_is_a_safe_identifier(name: str, expected: str) -> None:
    assert package_name(name) == expected


def test_check_name_messages() -> None:
    with pytest.raises(TemplateError) as info:
        check_name("  ")
    assert str(info.value) == "The plugin name is empty; pass a name such as `--name Weather`."
    with pytest.raises(TemplateError) as info:
        check_name("!!!")
    assert (
        str(info.value)
        == "The plugin name `!!!` has no letters or digits; pass a name such as `--name Weather`."
    )
    with pytest.raises(TemplateError) as info:
        check_name('My "Best"')
    assert str(info.value) == (
        'The plugin name `My "Best"` contains a quote, backslash, backtick or control character; remove it.'
    )
    assert check_name("  Weather  ") == "Weather"


def test_check_org_messages() -> None:
    with pytest.raises(TemplateError) as info:
        check_org("")
    assert (
        str(info.value)
        == "The organization is empty; pass your grafana.com organization slug, e.g. `--org acme`."
    )
    with pytest.raises(TemplateError) as info:
        check_org("--")
    assert str(info.value) == (
        "The organization `--` has no letters or digits; pass your grafana.com organization slug, e.g. `--org acme`."
    )
