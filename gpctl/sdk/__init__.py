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

from gpctl.sdk._admission import (
    AdmissionRequest,
    ConversionQuery,
    ConversionRequest,
    ConversionResult,
    GroupVersion,
    GroupVersionKind,
    MutationResult,
    QueryConversionRequest,
    QueryConversionResult,
    RawObject,
    StatusResult,
    ValidationResult,
)
from gpctl.sdk._context import InstanceSettings, PluginContext, Secrets, User
from gpctl.sdk._grafana_config import GrafanaConfig
from gpctl.sdk._health import HealthResult
from gpctl.sdk._plugin import App, Datasource
from gpctl.sdk._query import DataQuery, DataResponse, QueryDataRequest, TimeRange
from gpctl.sdk._serve import serve, serve_standalone
from gpctl.sdk._stream import (
    PublishResult,
    PublishStreamRequest,
    RunStreamRequest,
    StreamRoute,
    SubscribeResult,
    SubscribeStreamRequest,
)
from gpctl.sdk.data import Field, Frame

__all__ = [
    "AdmissionRequest",
    "App",
    "ConversionQuery",
    "ConversionRequest",
    "ConversionResult",
    "DataQuery",
    "DataResponse",
    "Datasource",
    "Field",
    "Frame",
    "GrafanaConfig",
    "GroupVersion",
    "GroupVersionKind",
    "HealthResult",
    "InstanceSettings",
    "MutationResult",
    "PluginContext",
    "PublishResult",
    "PublishStreamRequest",
    "QueryConversionRequest",
    "QueryConversionResult",
    "QueryDataRequest",
    "RawObject",
    "RunStreamRequest",
    "Secrets",
    "StatusResult",
    "StreamRoute",
    "SubscribeResult",
    "SubscribeStreamRequest",
    "TimeRange",
    "User",
    "ValidationResult",
    "serve",
    "serve_standalone",
]
