"""The example datasource the end-to-end tests launch under the real go-plugin host."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, PluginContext, serve
from gpctl.sdk.errors import DownstreamError
from gpctl.sdk.resources import ResourceRequest, ResourceResponse

log = logging.getLogger("example")


@dataclass(frozen=True)
class JsonData:
    foo: str = ""


@dataclass(frozen=True)
class SecureJsonData:
    api_key: str = ""


@dataclass(frozen=True)
class ConstantQuery:
    value: float = 1.0
    points: int = 3


ds = Datasource("gpctl-example-datasource", json_data=JsonData, secure_json_data=SecureJsonData)


@ds.query("constant", model=ConstantQuery)
async def constant(query: DataQuery[ConstantQuery], ctx: PluginContext) -> Frame:
    log.info("QueryData", extra={"refId": query.ref_id, "queryType": query.query_type})
    n = query.model.points
    step = max(1, (query.time_range.to_ms - query.time_range.from_ms) // max(1, n))
    times = [query.time_range.from_ms + i * step for i in range(n)]
    return Frame("constant", Field("time_ms", times), Field("value", [query.model.value] * n))


@ds.query("fail")
def fail(query: DataQuery, ctx: PluginContext) -> Frame:
    raise RuntimeError(f"boom with secret {ctx.settings.secure_json_data.api_key if ctx.settings else ''}")


@ds.query("downstream")
def downstream(query: DataQuery, ctx: PluginContext) -> Frame:
    raise DownstreamError("The weather API answered 503.", status=502)


@ds.query("print")
def printing(query: DataQuery, ctx: PluginContext) -> Frame:
    print("stray print from a handler")
    log.warning("a warning from the plugin")
    log.debug("a debug line from the plugin")
    return Frame("printed", Field("value", [1]))


@ds.check_health
def check_health(ctx: PluginContext) -> HealthResult:
    log.info("CheckHealth", extra={"datasource": ctx.settings.uid if ctx.settings else "", "org": ctx.org_id})
    settings = ctx.settings
    if settings is None:
        return HealthResult.error("No datasource settings.")
    return HealthResult.ok(
        "Example datasource is working.",
        details={"foo": settings.json_data.foo, "secretKeys": list(settings.secret_keys)},
    )


@ds.resource("echo", methods=["GET", "POST"])
def echo(request: ResourceRequest, ctx: PluginContext) -> ResourceResponse:
    log.info("CallResource", extra={"path": request.path, "method": request.method})
    return ResourceResponse.json(
        {"path": request.path, "method": request.method, "url": request.url, "body": request.body.decode()}
    )


if __name__ == "__main__":
    serve(ds)
