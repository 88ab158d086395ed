"""CheckHealth, CollectMetrics, CallResource and the typed plugin context, through the real server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from gpctl.sdk import Datasource, HealthResult, InstanceSettings, PluginContext
from gpctl.sdk.resources import ResourceRequest, ResourceResponse, plugin_context
from gpctl.sdk.testing import PluginClient


@dataclass(frozen=True)
class JsonData:
    base_url: str
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Secure:
    api_key: str


async def whoami(request: Request) -> JSONResponse:
    ctx = plugin_context(request)
    return JSONResponse(
        {
            "user": ctx.user.login if ctx.user else None,
            "instance": ctx.instance,
            "q": request.query_params["q"],
        }
    )


async def chunks(request: Request) -> StreamingResponse:
    async def body():  # type: ignore[no-untyped-def]
        for i in range(3):
            yield f"chunk{i};".encode()

    return StreamingResponse(body(), media_type="text/plain", status_code=201)


def make() -> Datasource:
    ds = Datasource(
        "caps-datasource",
        json_data=JsonData,
        secure_json_data=Secure,
        instance=lambda settings: f"client for {settings.json_data.base_url}",
        resources=Starlette(routes=[Route("/whoami", whoami), Route("/chunks", chunks)]),
    )

    @ds.check_health
    def health(ctx: PluginContext[str]) -> HealthResult:
        settings: InstanceSettings[JsonData, Secure] = ctx.settings  # type: ignore[assignment]
        if settings.json_data.base_url == "http://broken":
            raise RuntimeError(f"cannot reach with {settings.secure_json_data.api_key}")
        return HealthResult.ok("Reachable.", details={"instance": ctx.instance, "repr": repr(settings)})

    @ds.resource("/items/{item}", methods=["GET", "DELETE"])
    def item(request: ResourceRequest, ctx: PluginContext) -> dict[str, str]:
        return {"item": request.path_params["item"], "method": request.method}

    return ds


SETTINGS = {"json_data": {"baseUrl": "http://api.test"}, "secure_json_data": {"api_key": "hunter2-secret"}}


def test_health_details_instance_and_hidden_secrets() -> None:
    with PluginClient(make(), **SETTINGS) as client:  # type: ignore[arg-type]
        result = client.check_health()
    assert (result.status, result.message) == ("ok", "Reachable.")
    assert result.details is not None
    assert result.details["instance"] == "client for http://api.test"
    assert "hunter2-secret" not in result.details["repr"]
    assert "JsonData(base_url='http://api.test', timeout_s=10.0)" in result.details["repr"]


def test_health_exception_is_generic_and_logged_without_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    with PluginClient(
        make(), json_data={"base_url": "http://broken"}, secure_json_data={"api_key": "hunter2-secret"}
    ) as client:
        result = client.check_health()
    assert (result.status, result.message) == ("error", "Internal error in health check handler.")
    assert "cannot reach with ***" in caplog.records[-1].error  # type: ignore[attr-defined]
    assert "hunter2-secret" not in caplog.text + str([vars(r) for r in caplog.records])


def test_settings_that_do_not_fit_the_model() -> None:
    with PluginClient(make(), json_data={"timeout_s": 1}, secure_json_data={"api_key": "k"}) as client:
        result = client.check_health()
    expected = (
        "The datasource settings (jsonData) do not fit `JsonData`: field `base_url` is required but missing."
    )
    assert (result.status, result.message) == ("error", expected)


def test_missing_secret_names_only_the_field() -> None:
    with PluginClient(make(), json_data={"base_url": "http://x"}, secure_json_data={"other": "v"}) as client:
        result = client.check_health()
    assert (result.status, result.message) == (
        "error",
        "The secure settings (secureJsonData) do not fit `Secure`: field `api_key` is required but missing.",
    )


def test_health_without_handler_is_ok() -> None:
    with PluginClient(Datasource("bare-datasource")) as client:
        assert client.check_health() == HealthResult.ok("Plugin is running.")
        assert client.ping()


def test_metrics_text_has_request_counter_and_user_metrics() -> None:
    from prometheus_client import Counter

    counter = Counter("caps_test_calls", "Calls in the capabilities test.")
    counter.inc(3)
    with PluginClient(make(), **SETTINGS) as client:  # type: ignore[arg-type]
        client.check_health()
        text = client.collect_metrics()
    assert "caps_test_calls_total 3.0" in text
    assert 'grafana_plugin_request_total{endpoint="checkHealth",status="ok",status_source="plugin"}' in text
    assert "# TYPE grafana_plugin_request_total counter" in text


def test_prometheus_client_loads_only_when_metrics_are_collected() -> None:
    script = """
import sys
from gpctl.sdk import Datasource, HealthResult
from gpctl.sdk.testing import PluginClient

ds = Datasource("lazy-metrics-datasource")

@ds.check_health
def health(ctx):
    return HealthResult.ok("fine")

with PluginClient(ds) as client:
    client.check_health()
    client.check_health()
    assert "prometheus_client" not in sys.modules, "prometheus_client was imported before CollectMetrics"
    first = client.collect_metrics()
    client.check_health()
    second = client.collect_metrics()
line = 'grafana_plugin_request_total{endpoint="checkHealth",status="ok",status_source="plugin"}'
assert line + " 2.0" in first, first
assert line + " 3.0" in second, second
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_plain_resource_routes() -> None:
    with PluginClient(make(), **SETTINGS) as client:  # type: ignore[arg-type]
        got = client.call_resource("GET", "/items/42")
        assert (got.status, json.loads(got.body)) == (200, {"item": "42", "method": "GET"})
        assert got.headers["Content-Type"] == ["application/json"]
        assert client.call_resource("POST", "items/42").status == 405


def test_asgi_resources_context_and_streaming() -> None:
    with PluginClient(make(), **SETTINGS) as client:  # type: ignore[arg-type]
        got = client.call_resource("GET", "whoami?q=hi")
        assert (got.status, json.loads(got.body)) == (
            200,
            {"user": "admin", "instance": "client for http://api.test", "q": "hi"},
        )
        streamed = client.call_resource("GET", "chunks")
        assert (streamed.status, streamed.body) == (201, b"chunk0;chunk1;chunk2;")
        assert streamed.headers["Content-Type"] == ["text/plain; charset=utf-8"]
        assert client.call_resource("GET", "missing").status == 404


def test_resource_response_helpers() -> None:
    assert ResourceResponse.json({"a": 1}, status=202) == ResourceResponse(
        202, {"Content-Type": ["application/json"]}, b'{"a": 1}'
    )
    assert ResourceResponse.text("hi").body == b"hi"


def test_app_plugin_settings_and_resources() -> None:
    from gpctl.sdk import App

    @dataclass(frozen=True)
    class AppSettings:
        team: str

    app = App("myorg-team-app", json_data=AppSettings)

    @app.check_health
    def health(ctx: PluginContext) -> HealthResult:
        assert ctx.app_settings is ctx.settings and ctx.datasource_settings is None
        return HealthResult.ok(f"Team {ctx.settings.json_data.team}.")  # type: ignore[union-attr]

    @app.resource("/team")
    def team(request: ResourceRequest, ctx: PluginContext) -> str:
        return ctx.settings.json_data.team  # type: ignore[no-any-return,union-attr]

    with PluginClient(app, json_data={"team": "blue"}) as client:
        assert client.check_health() == HealthResult.ok("Team blue.")
        assert client.call_resource("GET", "team").body == b"blue"


def test_check_health_sees_forwarded_headers() -> None:
    ds = Datasource("hdr-datasource")

    @ds.check_health
    def health(ctx: PluginContext) -> HealthResult:
        return HealthResult.ok(ctx.headers.get("X-Test", "none"))

    with PluginClient(ds) as client:
        assert client.check_health(headers={"X-Test": "1"}).message == "1"
        assert client.check_health().message == "none"
