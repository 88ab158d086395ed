"""A Grafana Live stream: a route with a path parameter, a subscribe check, frames with schema then data only.

Runs the plugin's real gRPC server in-process and plays Grafana's part: subscribe, run the stream, cancel it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import datetime, timezone

from gpctl.sdk import (
    Datasource,
    Field,
    Frame,
    PluginContext,
    RunStreamRequest,
    SubscribeResult,
    SubscribeStreamRequest,
)
from gpctl.sdk.testing import PluginClient

CITIES = {"oslo": 4.5, "lima": 19.0}
stopped = threading.Event()

ds = Datasource("myorg-weather-datasource")


@ds.stream("live/{city}")  # channel ds/<uid>/live/<city>
async def live(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[Frame]:
    temperature = CITIES[req.path_params["city"]]
    try:
        while True:
            yield Frame(
                "live", Field("time", [datetime.now(timezone.utc)]), Field("temperature", [temperature])
            )
            temperature += 0.1
            await asyncio.sleep(0.01)
    finally:  # runs when Grafana cancels the stream (no subscribers left, settings changed, shutdown)
        stopped.set()


@live.subscribe
def subscribe(req: SubscribeStreamRequest, ctx: PluginContext) -> SubscribeResult:
    if req.path_params["city"] not in CITIES:
        return SubscribeResult.not_found()
    return SubscribeResult.ok()


if __name__ == "__main__":
    with PluginClient(ds, uid="weather") as grafana:
        assert grafana.subscribe_stream("live/oslo").status == "ok"
        assert grafana.subscribe_stream("live/atlantis").status == "not_found"
        assert grafana.publish_stream("live/oslo", {"x": 1}).status == "permission_denied"  # the default

        run = grafana.run_stream("live/oslo", max_packets=3)  # then cancel, as Grafana does
        first, second, _ = run.packets
        assert [f["name"] for f in first["schema"]["fields"]] == ["time", "temperature"]
        assert "schema" not in second and second["data"]["values"][1] == [4.6]
        assert stopped.wait(5), "the generator's finally block ran"
    print("streaming_live: ok")
