"""The {{ cookiecutter.plugin_id }} app backend.

An app plugin has no queries; its backend serves resources (HTTP routes under
`/api/plugins/{{ cookiecutter.plugin_id }}/resources/`) and a health check. Any ASGI application answers the
resource calls; this one is a small Starlette app with two routes:

- `GET /ping`: a liveness answer the frontend shows on its page;
- `POST /echo`: returns the JSON body it was sent, with the caller's login.
"""

from __future__ import annotations

from gpctl import sdk
from gpctl.sdk import App, HealthResult, PluginContext
from gpctl.sdk.resources import plugin_context
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PLUGIN_ID = "{{ cookiecutter.plugin_id }}"


async def ping(request: Request) -> JSONResponse:
    """`GET /ping`: tell the frontend the backend is alive."""
    return JSONResponse({"message": "pong"})


async def echo(request: Request) -> JSONResponse:
    """`POST /echo`: send the JSON body back, with the Grafana user who called."""
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": "The request body must be JSON."}, status_code=400)
    user = plugin_context(request).user
    return JSONResponse({"echo": body, "user": user.login if user is not None else None})


routes = [Route("/ping", ping, methods=["GET"]), Route("/echo", echo, methods=["POST"])]
app = App(PLUGIN_ID, resources=Starlette(routes=routes))


@app.check_health
async def check_health(ctx: PluginContext[None]) -> HealthResult:
    """Report the backend as healthy; check the services your app depends on here."""
    return HealthResult.ok("App backend is running.")


if __name__ == "__main__":
    sdk.serve(app)
