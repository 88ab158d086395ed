"""Instance factories: created once per configuration (even under 50 concurrent first queries), replaced when the
settings change, disposed at shutdown; the active-instance gauge shows in the plugin's metrics."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, InstanceSettings, PluginContext
from gpctl.sdk.testing import PluginClient

events: list[str] = []


@dataclass(frozen=True)
class JsonData:
    region: str = "eu"


class Pool:
    """A class is a factory too: built with the settings, closed with `aclose()` (or `close()`/`dispose()`)."""

    def __init__(self, settings: InstanceSettings[JsonData, dict[str, str]]) -> None:
        time.sleep(0.05)  # slow setup: sync factories run in a worker thread
        self.region = settings.json_data.region
        events.append(f"open {self.region}")

    async def aclose(self) -> None:
        events.append(f"close {self.region}")


ds = Datasource("myorg-pool-datasource", json_data=JsonData, instance=Pool)


@ds.query()
async def region(query: DataQuery, ctx: PluginContext[Pool]) -> Frame:
    await asyncio.sleep(0.01)
    return Frame("region", Field("region", [ctx.instance.region]))


if __name__ == "__main__":
    with PluginClient(ds, json_data={"region": "eu"}) as grafana:
        with ThreadPoolExecutor(50) as pool:  # 50 first queries at once
            answers = list(
                pool.map(lambda _: grafana.query()["A"].frames[0].field("region").values, range(50))
            )
        assert answers == [["eu"]] * 50
        assert events == ["open eu"], "the factory ran exactly once"
        assert "plugins_active_instances 1.0" in grafana.collect_metrics()

        grafana.settings["json_data"] = {"region": "us"}  # the user edits and saves the datasource
        grafana.settings["updated_ms"] += 1
        assert grafana.query()["A"].frames[0].field("region").values == ["us"]
        time.sleep(0.05)
        assert events == ["open eu", "open us", "close eu"]
    assert events[-1] == "close us", "disposed at shutdown"
    print("instances_lifecycle: ok")
