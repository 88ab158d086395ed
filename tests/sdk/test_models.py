"""Result types and settings models: validation at construction, secrets hidden from repr."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from gpctl.sdk import DataResponse, Datasource, HealthResult, InstanceSettings, PluginContext, Secrets
from gpctl.sdk._context import masked
from gpctl.sdk.errors import QueryError
from gpctl.sdk.testing import PluginClient


def test_health_details_must_be_a_json_object() -> None:
    with pytest.raises(TypeError) as caught:
        HealthResult.ok("x", details=["not", "an", "object"])  # type: ignore[arg-type]
    assert str(caught.value) == "Health details must be a JSON object (a dict), not `list`."
    with pytest.raises(TypeError) as caught:
        HealthResult.ok("x", details={"when": object()})
    assert str(caught.value).startswith("Health details must be JSON-serialisable: ")


def test_data_response_status_defaults_and_range() -> None:
    assert DataResponse().status == 200
    assert (DataResponse(error="x").status, DataResponse(error="x").error_source) == (500, "plugin")
    with pytest.raises(ValueError) as caught:
        DataResponse(status=42)
    assert str(caught.value) == "A data response status must be between 100 and 599, not `42`."
    with pytest.raises(ValueError):
        QueryError("x", status=700)


@dataclass(frozen=True)
class Secure:
    api_key: str
    password: str = ""


def test_secrets_never_show_in_repr() -> None:
    secure = masked(Secure("abc123", "pw456"))
    assert isinstance(secure, Secure) and secure.api_key == "abc123"
    assert repr(secure) == "Secure(api_key=***, password=***)"
    assert str(Secrets({"apiKey": "abc123"})) == "Secrets(apiKey=***)"
    settings = InstanceSettings(json_data={"a": 1}, secure_json_data=secure, uid="u")
    ctx = PluginContext(plugin_id="p", settings=settings, secrets=("abc123", "pw456"))
    for text in (repr(settings), repr(ctx), str(ctx)):
        assert "abc123" not in text and "pw456" not in text
    assert ctx.redact("token abc123 and pw456") == "token *** and ***"


def test_asgi_app_failure_is_a_generic_500(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: object, receive: object, send: object) -> None:
        raise RuntimeError("database password is s3cret-xyz")

    caplog.set_level(logging.ERROR)
    ds = Datasource("broken-datasource", resources=broken)
    with PluginClient(ds, secure_json_data={"password": "s3cret-xyz"}) as client:
        got = client.call_resource("GET", "anything")
    assert (got.status, got.json_body()) == (500, {"message": "Internal error in resource handler."})
    assert "RuntimeError: database password is ***" in caplog.records[-1].error  # type: ignore[attr-defined]
    assert "s3cret-xyz" not in caplog.text + str([vars(r) for r in caplog.records])


def test_grafana_config_and_user_reach_the_handler() -> None:
    ds = Datasource("ctx-datasource")
    seen: list[PluginContext] = []

    @ds.check_health
    def health(ctx: PluginContext) -> HealthResult:
        seen.append(ctx)
        return HealthResult.ok()

    with PluginClient(ds, grafana_config={"GF_APP_URL": "http://grafana:3000/"}, org_id=7) as client:
        client.check_health()
    [ctx] = seen
    assert ctx.grafana_config.app_url == "http://grafana:3000/"
    assert (ctx.org_id, ctx.plugin_id, ctx.user.login if ctx.user else None) == (7, "ctx-datasource", "admin")
    assert ctx.settings is not None and ctx.settings.uid == "test-datasource"
