"""Tests of the backend through the real gRPC server, in-process (`gpctl.sdk.testing.PluginClient`)."""

from __future__ import annotations

import json

from gpctl.sdk.testing import PluginClient

from {{ cookiecutter.package_name }}.plugin import ds

SETTINGS = {"json_data": {"url": ""}, "secure_json_data": {"api_key": "secret"}}


def test_query_returns_the_constant_twice() -> None:
    with PluginClient(ds, **SETTINGS) as client:
        result = client.query("", {"constant": 3.5})
    assert result["A"].error is None or not result["A"].error
    frame = result["A"].frames[0]
    assert frame.field("values").values == [3.5, 3.5]
    assert len(frame.field("time").values) == 2


def test_health_fails_without_an_api_key() -> None:
    with PluginClient(ds, json_data={"url": ""}, secure_json_data={}) as client:
        health = client.check_health()
    assert health.message == "API key is missing; enter it in the data source settings."


def test_health_is_ok_with_an_api_key() -> None:
    with PluginClient(ds, **SETTINGS) as client:
        health = client.check_health()
    assert health.message.startswith("Data source is working")


def test_ping_resource() -> None:
    settings = {"json_data": {"url": "https://api.example.com"}, "secure_json_data": {"api_key": "k"}}
    with PluginClient(ds, **settings) as client:
        response = client.call_resource("GET", "/ping")
    assert response.status == 200
    assert json.loads(response.body) == {"message": "pong", "url": "https://api.example.com"}
