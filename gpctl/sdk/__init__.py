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

from typing import TYPE_CHECKING, Any

from gpctl.sdk._context import InstanceSettings, PluginContext, Secrets, User
from gpctl.sdk._health import HealthResult
from gpctl.sdk._plugin import App, Datasource
from gpctl.sdk._query import DataQuery, DataResponse, QueryDataRequest, TimeRange
from gpctl.sdk._serve import serve, serve_standalone
from gpctl.sdk.data import Field, Frame

if TYPE_CHECKING:
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
    from gpctl.sdk._grafana_config import GrafanaConfig
    from gpctl.sdk._stream import (
        PublishResult,
        PublishStreamRequest,
        RunStreamRequest,
        StreamRoute,
        SubscribeResult,
        SubscribeStreamRequest,
    )

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

# Names loaded on first use, so `import gpctl.sdk` (and the time to the handshake) stays small.
_LAZY = {
    **dict.fromkeys(
        (
            "AdmissionRequest",
            "ConversionQuery",
            "ConversionRequest",
            "ConversionResult",
            "GroupVersion",
            "GroupVersionKind",
            "MutationResult",
            "QueryConversionRequest",
            "QueryConversionResult",
            "RawObject",
            "StatusResult",
            "ValidationResult",
        ),
        "gpctl.sdk._admission",
    ),
    "GrafanaConfig": "gpctl.sdk._grafana_config",
    **dict.fromkeys(
        (
            "PublishResult",
            "PublishStreamRequest",
            "RunStreamRequest",
            "StreamRoute",
            "SubscribeResult",
            "SubscribeStreamRequest",
        ),
        "gpctl.sdk._stream",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module `gpctl.sdk` has no attribute `{name}`")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
