"""gpctl.sdk: the runtime of a Grafana backend plugin written in Python.

    from gpctl.sdk import Datasource, DataQuery, Frame, Field, PluginContext, serve

    ds = Datasource("myorg-example-datasource")

    @ds.query("constant")
    def constant(query: DataQuery, ctx: PluginContext) -> Frame:
        return Frame("constant", Field("value", [1.0]))

    if __name__ == "__main__":
        serve(ds)

Importing this package is cheap (no grpc, pyarrow or numpy until serving starts or a frame is encoded).
"""

from __future__ import annotations

from gpctl.sdk._context import InstanceSettings, PluginContext, Secrets, User
from gpctl.sdk._health import HealthResult
from gpctl.sdk._plugin import App, Datasource
from gpctl.sdk._query import DataQuery, DataResponse, QueryDataRequest, TimeRange
from gpctl.sdk._serve import serve, serve_standalone
from gpctl.sdk._stream import PublishResult, RunStreamRequest, SubscribeResult
from gpctl.sdk.data import Field, Frame

__all__ = [
    "App",
    "DataQuery",
    "DataResponse",
    "Datasource",
    "Field",
    "Frame",
    "HealthResult",
    "InstanceSettings",
    "PluginContext",
    "PublishResult",
    "QueryDataRequest",
    "RunStreamRequest",
    "Secrets",
    "SubscribeResult",
    "TimeRange",
    "User",
    "serve",
    "serve_standalone",
]
