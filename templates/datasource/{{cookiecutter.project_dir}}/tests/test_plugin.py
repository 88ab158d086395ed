"""Tests of the backend through the real gRPC server, in-process (`gpctl.sdk.testing.PluginClient`)."""

from __future__ import annotations

import json

import httpx
from gpctl.sdk.testing import PluginClient

from {{ cookiecutter.package_name }}.plugin import ds

NO_URL = {"url": ""}
API = {"url": "https://api.example.com"}
KEY = {"apiKey": "secret"}


def fake_api(status: int) -> httpx.AsyncClient:
    """The instance the backend would build, with the downstream API replaced (httpx's MockTransport)."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json={}))
    return httpx.AsyncClient(transport=transport, base_url="https://api.example.com")


def test_query_returns_the_constant_twice() -> None:
    with PluginClient(ds, json_data=NO_URL, secure_json_data=KEY) as client:
        result = client.query("", {"constant": 3.5})
    assert result["A"].ok, result["A"].error
    frame = result["A"].frames[0]
    assert frame.field("values").values == [3.5, 3.5]
    assert len(frame.field("time").values) == 2


def test_health_fails_without_an_api_key() -> None:
    with PluginClient(ds, json_data=NO_URL, secure_json_data={}) as client:
        health = client.check_health()
    assert health.message == "API key is missing; enter it in the data source settings."


def test_health_is_ok_with_an_api_key_and_no_url() -> None:
    with PluginClient(ds, json_data=NO_URL, secure_json_data=KEY) as client:
        health = client.check_health()
    assert health.message == "Data source is working (no URL configured, so no API call was made)."


def test_health_calls_the_api() -> None:
    with PluginClient(ds, instance=fake_api(200), json_data=API, secure_json_data=KEY) as client:
        assert client.check_health().message == "Data source is working."
    with PluginClient(ds, instance=fake_api(401), json_data=API, secure_json_data=KEY) as client:
        assert client.check_health().message == "The API answered 401; check the URL and the API key."


def test_ping_resource_uses_the_instance_built_from_the_settings() -> None:
    with PluginClient(ds, json_data=API, secure_json_data=KEY) as client:  # connect() builds the client
        response = client.call_resource("GET", "/ping")
    assert response.status == 200
    assert json.loads(response.body) == {"message": "pong", "url": "https://api.example.com"}
