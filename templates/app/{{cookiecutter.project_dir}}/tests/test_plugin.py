"""Tests of the app backend through the real gRPC server, in-process (`gpctl.sdk.testing.PluginClient`)."""

from __future__ import annotations

import json

from gpctl.sdk.testing import PluginClient

from {{ cookiecutter.package_name }}.plugin import app


def test_ping() -> None:
    with PluginClient(app) as client:
        response = client.call_resource("GET", "/ping")
    assert response.status == 200
    assert json.loads(response.body) == {"message": "pong"}


def test_echo_returns_the_body() -> None:
    with PluginClient(app) as client:
        response = client.call_resource("POST", "/echo", body=b'{"hello": "world"}')
    assert response.status == 200
    assert json.loads(response.body)["echo"] == {"hello": "world"}


def test_echo_rejects_a_body_that_is_not_json() -> None:
    with PluginClient(app) as client:
        response = client.call_resource("POST", "/echo", body=b"not json")
    assert response.status == 400


def test_health() -> None:
    with PluginClient(app) as client:
        health = client.check_health()
    assert health.message == "App backend is running."
