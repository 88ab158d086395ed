"""CallResource: a plain function route and an ASGI app (Starlette) with a streamed response."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from gpctl.sdk import Datasource, PluginContext
from gpctl.sdk.resources import ResourceRequest, ResourceResponse, plugin_context
from gpctl.sdk.testing import PluginClient


async def whoami(request: Request) -> JSONResponse:
    ctx = plugin_context(request)  # the request's PluginContext inside any ASGI app
    return JSONResponse({"login": ctx.user.login if ctx.user else None, "org": ctx.org_id})


async def export(request: Request) -> StreamingResponse:
    async def rows():  # type: ignore[no-untyped-def]
        for i in range(3):
            yield f"{i},{i * i}\n".encode()  # each chunk reaches Grafana as it is produced

    return StreamingResponse(rows(), media_type="text/csv")


ds = Datasource(
    "myorg-resources-datasource",
    resources=Starlette(routes=[Route("/whoami", whoami), Route("/export", export)]),
)


@ds.resource("/cities/{name}", methods=["GET"])  # plain routes are tried before the ASGI app
def city(request: ResourceRequest, ctx: PluginContext) -> ResourceResponse:
    return ResourceResponse.json(
        {"city": request.path_params["name"], "units": request.query_params.get("units")}
    )


if __name__ == "__main__":
    with PluginClient(ds) as client:
        got = client.call_resource("GET", "cities/Oslo?units=metric")
        assert (got.status, got.json_body()) == (200, {"city": "Oslo", "units": "metric"})
        assert client.call_resource("GET", "whoami").json_body() == {"login": "admin", "org": 1}
        csv = client.call_resource("GET", "export")
        assert (csv.status, csv.body) == (200, b"0,0\n1,1\n2,4\n")
        assert client.call_resource("POST", "cities/Oslo").status == 405
    print("ok")
