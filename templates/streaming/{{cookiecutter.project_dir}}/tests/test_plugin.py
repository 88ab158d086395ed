"""Tests of the streaming backend through the real gRPC server, in-process (`PluginClient`)."""

from __future__ import annotations

from gpctl.sdk.testing import PluginClient

from {{ cookiecutter.package_name }}.plugin import ds

SETTINGS = {"json_data": {"interval_s": 0.01}, "secure_json_data": {"api_key": "secret"}}


def test_query_returns_the_channel_in_frame_meta() -> None:
    with PluginClient(ds, uid="abc123", **SETTINGS) as client:
        result = client.query("", {"stream": "signal"})
    frame = result["A"].frames[0]
    assert frame.meta is not None
    assert frame.meta.channel == "ds/abc123/live/signal"
    assert frame.field("value").values == [0.0]


def test_health_fails_without_an_api_key() -> None:
    with PluginClient(ds, json_data={}, secure_json_data={}) as client:
        health = client.check_health()
    assert health.message == "API key is missing; enter it in the data source settings."


def test_health_is_ok_with_an_api_key() -> None:
    with PluginClient(ds, **SETTINGS) as client:
        health = client.check_health()
    assert health.message == "Data source is working; streams are ready."
