"""The class-based form: one object per datasource configuration; its methods are the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, InstanceSettings, PluginContext
from gpctl.sdk.testing import PluginClient


@dataclass(frozen=True)
class JsonData:
    unit: str = "celsius"


@dataclass(frozen=True)
class CityQuery:
    city: str


class Weather:
    created = 0

    def __init__(self, settings: InstanceSettings[JsonData, object]) -> None:
        Weather.created += 1  # once per configuration, not per request
        self.unit = settings.json_data.unit

    async def query(self, query: DataQuery[CityQuery], ctx: PluginContext) -> Frame:
        return Frame(query.model.city, Field(self.unit, [21.5]))

    def check_health(self, ctx: PluginContext) -> HealthResult:
        return HealthResult.ok(f"Reporting in {self.unit}.")

    async def aclose(self) -> None:  # called when settings change or the plugin stops
        pass


ds = Datasource.from_class(Weather, "myorg-weather-datasource", json_data=JsonData, query_model=CityQuery)

if __name__ == "__main__":
    with PluginClient(ds, json_data={"unit": "kelvin"}) as client:
        assert client.query("", {"city": "Oslo"})["A"].frames[0].field("kelvin").values == [21.5]
        assert client.query("", {"city": "Rome"})["A"].frames[0].name == "Rome"
        assert client.check_health().message == "Reporting in kelvin."
    assert Weather.created == 1
    print("ok")
