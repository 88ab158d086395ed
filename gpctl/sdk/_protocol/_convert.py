"""Protobuf ↔ SDK types: plugin context and settings, queries, responses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gpctl.sdk._context import InstanceSettings, PluginContext, Secrets, User, masked
from gpctl.sdk._dispatch import SettingsError
from gpctl.sdk._grafana_config import GrafanaConfig
from gpctl.sdk._health import HealthResult
from gpctl.sdk._models import ModelError, parse_model
from gpctl.sdk._plugin import _Plugin
from gpctl.sdk._query import DataQuery, DataResponse, QueryDataRequest, TimeRange
from gpctl.sdk.data import encode_frames
from gpctl.sdk.errors import QueryError

from .pluginv2 import backend_pb2 as pb

__all__ = [
    "data_response",
    "health_response",
    "plugin_context",
    "query_data_request",
]

_HEALTH = {
    "ok": pb.CheckHealthResponse.OK,
    "error": pb.CheckHealthResponse.ERROR,
    "unknown": pb.CheckHealthResponse.UNKNOWN,
}


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise SettingsError(f"The {what} is not valid JSON.", status=400) from None
    if not isinstance(value, dict):
        raise SettingsError(f"The {what} must be a JSON object.", status=400)
    return value


def _settings(
    plugin: _Plugin, raw_json: bytes, secrets: Mapping[str, str], **fields: Any
) -> InstanceSettings[Any, Any]:
    data = _json_object(raw_json, "jsonData")
    json_data: Any = data
    secure: Any = Secrets(secrets)
    try:
        if plugin.json_data is not None:
            json_data = parse_model(plugin.json_data, data)
    except ModelError as exc:
        raise SettingsError(
            f"The datasource settings (jsonData) do not fit `{plugin.json_data.__name__}`: "  # type: ignore[union-attr]
            f"{exc.clause}",
            status=400,
        ) from None
    try:
        if plugin.secure_json_data is not None:
            secure = masked(parse_model(plugin.secure_json_data, dict(secrets)))
    except ModelError as exc:
        raise SettingsError(  # names the field only, never a value
            f"The secure settings (secureJsonData) do not fit `{plugin.secure_json_data.__name__}`: "  # type: ignore[union-attr]
            f"{exc.clause.split(', not')[0].rstrip('.')}.",
            status=400,
        ) from None
    return InstanceSettings(
        json_data, secure, raw_json_data=data, secret_keys=tuple(sorted(secrets)), **fields
    )


def plugin_context(plugin: _Plugin, ctx: pb.PluginContext) -> PluginContext[Any]:
    """Build the SDK context (without instance); raises `SettingsError` when settings do not fit the models."""
    user = None
    if ctx.HasField("user"):
        user = User(ctx.user.login, ctx.user.name, ctx.user.email, ctx.user.role)
    settings: InstanceSettings[Any, Any] | None = None
    secrets: tuple[str, ...] = ()
    kind = plugin.kind
    if ctx.HasField("dataSourceInstanceSettings"):
        ds = ctx.dataSourceInstanceSettings
        secrets = tuple(ds.decryptedSecureJsonData.values())
        settings = _settings(
            plugin,
            ds.jsonData,
            ds.decryptedSecureJsonData,
            uid=ds.uid,
            name=ds.name,
            url=ds.url,
            user=ds.user,
            database=ds.database,
            basic_auth_enabled=ds.basicAuthEnabled,
            basic_auth_user=ds.basicAuthUser,
            id=ds.id,
            last_updated_ms=ds.lastUpdatedMS,
            api_version=ds.apiVersion,
        )
        kind = "datasource"
    elif ctx.HasField("appInstanceSettings"):
        app = ctx.appInstanceSettings
        secrets = tuple(app.decryptedSecureJsonData.values())
        settings = _settings(
            plugin,
            app.jsonData,
            app.decryptedSecureJsonData,
            last_updated_ms=app.lastUpdatedMS,
            api_version=app.apiVersion,
        )
        kind = "app"
    return PluginContext(
        plugin_id=ctx.pluginId,
        org_id=ctx.orgId,
        plugin_version=ctx.pluginVersion,
        user=user,
        settings=settings,
        kind=kind,
        grafana_config=GrafanaConfig(dict(ctx.grafanaConfig)),
        user_agent=ctx.userAgent,
        api_version=ctx.apiVersion,
        namespace=ctx.namespace,
        secrets=secrets,
    )


def query_data_request(
    request: pb.QueryDataRequest | pb.QueryChunkedDataRequest,
) -> tuple[QueryDataRequest, dict[str, DataResponse]]:
    """The SDK request, plus error responses for queries whose JSON does not decode (400, per refId)."""
    headers = dict(request.headers)
    queries = []
    bad: dict[str, DataResponse] = {}
    for q in request.queries:
        try:
            model = _query_json(q.json)
        except QueryError as exc:
            bad[q.refId] = DataResponse(error=f"Query `{q.refId}`: {exc.message}", status=400)
            continue
        queries.append(
            DataQuery(
                ref_id=q.refId,
                model=model,
                query_type=q.queryType,
                time_range=_time_range(q.timeRange.fromEpochMS, q.timeRange.toEpochMS),
                interval_ms=q.intervalMS,
                max_data_points=q.maxDataPoints,
                json=model,
                headers=headers,
            )
        )
    return QueryDataRequest(queries, headers), bad


_TIME_RANGES: dict[tuple[int, int], TimeRange] = {}


def _time_range(start: int, end: int) -> TimeRange:
    """The (immutable) `TimeRange`, shared by the queries of a dashboard that all ask for the same range."""
    found = _TIME_RANGES.get((start, end))
    if found is None:
        if len(_TIME_RANGES) >= 256:
            _TIME_RANGES.clear()
        found = _TIME_RANGES[start, end] = TimeRange(start, end)
    return found


def _query_json(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise QueryError(f"the query JSON is not valid JSON ({exc}).", status=400) from None
    if not isinstance(value, dict):
        raise QueryError("the query JSON must be an object.", status=400)
    return value


def data_response(
    ref_id: str, response: DataResponse, fmt: Any, out: pb.DataResponse | None = None
) -> pb.DataResponse:
    """Encode one query's result (frames as Arrow IPC files, or frame JSON when the host asked for JSON).

    `out` is the message to fill (an entry of `QueryDataResponse.responses`), a new one without it.
    """
    if out is None:
        out = pb.DataResponse()
    out.status = response.status
    out.format = fmt
    if response.frames:
        out.frames.extend(
            encode_frames(response.frames, "json" if fmt == pb.JSON else "arrow", ref_id=ref_id)
        )
    if response.error:
        out.error = response.error
        out.errorSource = response.error_source or "plugin"
    return out


def health_response(result: HealthResult) -> pb.CheckHealthResponse:
    return pb.CheckHealthResponse(
        status=_HEALTH[result.status], message=result.message, jsonDetails=result.json_details()
    )
