"""A complete datasource: typed settings and queries, a health check, tested through the real gRPC server."""

from __future__ import annotations

from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, InstanceSettings, PluginContext
from gpctl.sdk.testing import PluginClient


@dataclass(frozen=True)
class JsonData:  # the datasource's jsonData ("baseUrl" or "base_url" both fill base_url)
    base_url: str
    step_s: int = 60


@dataclass(frozen=True)
class SecureJsonData:  # its decrypted secureJsonData; values never show in repr or logs
    api_key: str


@dataclass(frozen=True)
class RampQuery:  # the query model (Grafana's own keys such as refId are ignored)
    start: float
    points: int = 3


ds = Datasource("myorg-ramp-datasource", json_data=JsonData, secure_json_data=SecureJsonData)


@ds.query("ramp", model=RampQuery)
def ramp(query: DataQuery[RampQuery], ctx: PluginContext) -> Frame:
    settings: InstanceSettings[JsonData, SecureJsonData] = ctx.settings  # type: ignore[assignment]
    step = settings.json_data.step_s * 1000
    times = [query.time_range.from_ms + i * step for i in range(query.model.points)]
    values = [query.model.start + i for i in range(query.model.points)]
    return Frame("ramp", Field("time", times), Field("value", values))


@ds.check_health
async def check_health(ctx: PluginContext) -> HealthResult:
    settings = ctx.settings
    if settings is None or not settings.json_data.base_url.startswith("http"):
        return HealthResult.error("Set a URL starting with http:// or https://.")
    return HealthResult.ok("Settings look fine.", details={"url": settings.json_data.base_url})


if __name__ == "__main__":
    settings = {"json_data": {"baseUrl": "https://api.example.com"}, "secure_json_data": {"api_key": "k-123"}}
    with PluginClient(ds, **settings) as client:  # type: ignore[arg-type]
        result = client.query("ramp", {"start": 10, "points": 4}, time_range=(0, 3_600_000))
        frame = result["A"].frames[0]
        assert result["A"].status == 200
        assert frame.field("value").values == [10.0, 11.0, 12.0, 13.0]
        assert frame.field("time").values == [0, 60_000, 120_000, 180_000]
        assert client.check_health() == HealthResult.ok(
            "Settings look fine.", {"url": "https://api.example.com"}
        )

        bad = client.query("ramp", {"points": 2})  # `start` is missing: a 400 naming the field
        assert bad["A"].status == 400
        assert bad["A"].error == "Query `A` does not fit `RampQuery`: field `start` is required but missing."
    print("ok")
