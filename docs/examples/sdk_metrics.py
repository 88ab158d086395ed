"""CollectMetrics serves prometheus_client's default registry plus the SDK's request counter."""

from __future__ import annotations

from prometheus_client import Counter

from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext
from gpctl.sdk.testing import PluginClient

CACHE_HITS = Counter("myorg_cache_hits", "Queries answered from the cache.")
ds = Datasource("myorg-metrics-datasource")


@ds.query("cached")
def cached(query: DataQuery, ctx: PluginContext) -> Frame:
    CACHE_HITS.inc()
    return Frame("cached", Field("value", [1]))


if __name__ == "__main__":
    with PluginClient(ds) as client:
        client.query("cached")
        client.query("cached")
        text = client.collect_metrics()
    assert "myorg_cache_hits_total 2.0" in text
    assert 'grafana_plugin_request_total{endpoint="queryData",status="ok",status_source="plugin"} 2.0' in text
    print("ok")
