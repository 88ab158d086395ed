"""Tests of the streaming backend through the real gRPC server, in-process (`PluginClient`)."""

from __future__ import annotations

import asyncio
import itertools

from gpctl.sdk import InstanceSettings, PluginContext, RunStreamRequest
from gpctl.sdk.testing import PluginClient

from {{ cookiecutter.package_name }}.plugin import JsonData, SecureJsonData, ds, live

FAST = {"interval": 0.01}
KEY = {"apiKey": "secret"}


def test_query_returns_the_channel_in_frame_meta() -> None:
    with PluginClient(ds, uid="abc123", json_data=FAST, secure_json_data=KEY) as client:
        result = client.query("", {"stream": "signal"})
    assert result["A"].ok, result["A"].error
    frame = result["A"].frames[0]
    assert frame.meta is not None
    assert frame.meta.channel == "ds/abc123/live/signal"
    assert frame.field("value").values == [0.0]


def test_health_fails_without_an_api_key() -> None:
    with PluginClient(ds, json_data=FAST, secure_json_data={}) as client:
        health = client.check_health()
    assert health.message == "API key is missing; enter it in the data source settings."


def test_health_is_ok_with_an_api_key() -> None:
    with PluginClient(ds, json_data=FAST, secure_json_data=KEY) as client:
        health = client.check_health()
    assert health.message == "Data source is working; streams are ready."


def test_stream_sends_a_point_per_interval() -> None:
    """Call the stream handler directly, as Grafana's RunStream does for `live/signal`."""

    async def first(count: int) -> list[float]:
        settings = InstanceSettings(JsonData(interval=0.0), SecureJsonData(api_key="k"), uid="abc123")
        ctx: PluginContext[None] = PluginContext(plugin_id=ds.plugin_id, settings=settings)
        stream = live(RunStreamRequest("live/signal", {"stream": "signal"}), ctx)
        values: list[float] = []
        async for frame in stream:
            values.append(frame.field("value").values[0])
            if len(values) == count:
                break
        await stream.aclose()
        return values

    values = asyncio.run(first(3))
    assert len(values) == 3
    assert abs(values[0]) <= 1.0
    assert all(abs(b - a) <= 1.0 for a, b in itertools.pairwise(values))
