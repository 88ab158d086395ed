"""The {{ cookiecutter.plugin_id }} streaming data source backend (Grafana Live).

A panel's query returns a frame whose `meta.channel` names a Live channel, `ds/<uid>/live/<name>`;
Grafana then subscribes to that channel and this backend streams frames into it (`@ds.stream`) for as
long as somebody is watching. What is here:

- `query`: answers with the first point and the channel to subscribe to;
- `live`: the stream, one random-walk point every `interval` seconds;
- `check_health`: fails with a clear message when the API key is missing.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone

from gpctl import sdk
from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, PluginContext, RunStreamRequest
from gpctl.sdk.data import FrameMeta

PLUGIN_ID = "{{ cookiecutter.plugin_id }}"


@dataclass(frozen=True)
class JsonData:
    """The data source's `jsonData` (ConfigEditor.tsx)."""

    interval: float = 1.0  # seconds between two points


@dataclass(frozen=True)
class SecureJsonData:
    """The data source's decrypted `secureJsonData` (`apiKey` in ConfigEditor.tsx); never logged."""

    api_key: str = ""


@dataclass(frozen=True)
class Query:
    """One query from the query editor: which stream to watch."""

    stream: str = "signal"


ds = Datasource(PLUGIN_ID, json_data=JsonData, secure_json_data=SecureJsonData)


def channel(uid: str, stream: str) -> str:
    """The Live channel of one stream of the data source `uid`."""
    return f"ds/{uid}/live/{stream}"


def point(value: float, meta: FrameMeta | None = None) -> Frame:
    """One row: the current time and `value`."""
    return Frame("signal", Field("time", [datetime.now(timezone.utc)]), Field("value", [value]), meta=meta)


@ds.query(model=Query)
async def query(query: DataQuery[Query], ctx: PluginContext[None]) -> Frame:
    """Answer with a first point; `meta.channel` makes Grafana subscribe to the stream."""
    uid = ctx.settings.uid if ctx.settings is not None else ""
    return point(0.0, FrameMeta(channel=channel(uid, query.model.stream)))


@ds.stream("live/{stream}")
async def live(request: RunStreamRequest, ctx: PluginContext[None]) -> AsyncIterator[Frame]:
    """Send one random-walk point every `interval` seconds while the channel has subscribers."""
    value = 0.0
    while True:
        value += random.uniform(-1.0, 1.0)
        yield point(value)
        await asyncio.sleep(ctx.settings.json_data.interval if ctx.settings is not None else 1.0)


@ds.check_health
async def check_health(ctx: PluginContext[None]) -> HealthResult:
    """Fail with a clear message when the API key is missing."""
    if ctx.settings is None or not ctx.settings.secure_json_data.api_key:
        return HealthResult.error("API key is missing; enter it in the data source settings.")
    return HealthResult.ok("Data source is working; streams are ready.")


if __name__ == "__main__":
    sdk.serve(ds)
