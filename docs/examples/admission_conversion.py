"""Conversion: objects between schema versions, and saved queries to a new query model."""

from __future__ import annotations

from typing import Any

from gpctl.sdk import (
    ConversionRequest,
    ConversionResult,
    Datasource,
    PluginContext,
    QueryConversionRequest,
    RawObject,
)
from gpctl.sdk.testing import PluginClient

ds = Datasource("myorg-weather-datasource")


@ds.convert_queries
def upgrade_queries(req: QueryConversionRequest, ctx: PluginContext) -> list[dict[str, Any]]:
    """v1 queries had `query`; v2 calls it `expr` and adds a version."""
    return [{"refId": q.ref_id, "expr": q.json.get("query", ""), "version": 2} for q in req.queries]


@ds.convert_objects
def convert(req: ConversionRequest, ctx: PluginContext) -> ConversionResult:
    """Anything that is not a query request: rewrite apiVersion to the target version."""
    target = f"{req.target_version.group}/{req.target_version.version}"
    return ConversionResult.ok([{**o.json(), "apiVersion": target} for o in req.objects])


if __name__ == "__main__":
    with PluginClient(ds) as grafana:
        saved = {
            "queries": [{"refId": "A", "json": {"query": "temp{city='oslo'}"}}, {"refId": "B", "json": {}}]
        }
        converted = grafana.convert_objects([saved], target_version=("query.grafana.app", "v2"))
        assert [o.json() for o in converted.objects] == [
            {"refId": "A", "expr": "temp{city='oslo'}", "version": 2},
            {"refId": "B", "expr": "", "version": 2},
        ]

        thing = RawObject(
            b'{"apiVersion": "weather.grafana.app/v1", "kind": "Station"}', "application/yaml+json"
        )
        objects = grafana.convert_objects([thing], target_version=("weather.grafana.app", "v2")).objects
        assert objects[0].json() == {"apiVersion": "weather.grafana.app/v2", "kind": "Station"}
    print("admission_conversion: ok")
