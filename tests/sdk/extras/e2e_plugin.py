"""A streaming datasource launched by the real go-plugin host in test_e2e_go_host.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from gpctl.sdk import (
    DataQuery,
    Datasource,
    Field,
    Frame,
    PluginContext,
    PublishResult,
    PublishStreamRequest,
    RunStreamRequest,
    SubscribeResult,
    SubscribeStreamRequest,
    serve,
)
from gpctl.sdk.errors import QueryError

log = logging.getLogger("e2e.streams")
ds = Datasource("gpctl-streams-datasource")


@ds.stream("live/{city}")
async def live(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[Frame]:
    n = 0
    log.info("Stream started.", extra={"channel": req.channel})
    try:
        while True:
            n += 1
            yield Frame(req.path_params["city"], Field("n", [n]), Field("value", [n / 2]))
            await asyncio.sleep(0.01)
    finally:
        log.info("Stream closed.", extra={"channel": req.channel, "packets": n})


@live.subscribe
def subscribe(req: SubscribeStreamRequest, ctx: PluginContext) -> SubscribeResult:
    if req.path_params["city"] == "atlantis":
        return SubscribeResult.not_found()
    return SubscribeResult.ok(initial=Frame(req.path_params["city"], Field("n", [0]), Field("value", [0.0])))


@live.publish
def publish(req: PublishStreamRequest, ctx: PluginContext) -> PublishResult:
    return PublishResult.ok({"echo": req.json()})


@ds.stream("finite")
async def finite(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[dict[str, int]]:
    for i in range(3):
        yield {"i": i}


@ds.query("big")
def big(query: DataQuery, ctx: PluginContext) -> list[Frame]:
    import numpy as np

    return [Frame("big", Field("v", np.arange(300_000, dtype=np.float64))), Frame("small", Field("n", [1]))]


@ds.query("bad")
def bad(query: DataQuery, ctx: PluginContext) -> Frame:
    raise QueryError("Unknown metric `x`.", status=400)


if __name__ == "__main__":
    serve(ds)
