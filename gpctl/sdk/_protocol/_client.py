"""A pluginv2 client and an in-process server runner, for `gpctl.sdk.testing.PluginClient`."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import Any

import grpc

from gpctl.sdk._dispatch import Runtime
from gpctl.sdk._health import HealthResult
from gpctl.sdk.resources import ResourceResponse

from ._health import SERVICE, check_request, is_serving
from ._server import DEFAULT_MAX_RECEIVE, PluginServer
from .plugin import grpc_controller_pb2, grpc_controller_pb2_grpc
from .pluginv2 import backend_pb2 as pb
from .pluginv2 import backend_pb2_grpc as pb_grpc

__all__ = ["InProcessServer", "ProtocolClient", "RawDataResponse", "data_query"]

_HEALTH = {pb.CheckHealthResponse.OK: "ok", pb.CheckHealthResponse.ERROR: "error"}

RawDataResponse = tuple[list[bytes], int, str, str, int]
"""(frames, status, error, errorSource, format) of one refId."""


class InProcessServer:
    """Run a plugin's real gRPC server on a private event loop in a daemon thread."""

    def __init__(self, runtime: Runtime, *, max_receive: int = DEFAULT_MAX_RECEIVE) -> None:
        self.runtime = runtime
        self.max_receive = max_receive
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="gpctl-plugin-server", daemon=True)
        self.server: PluginServer | None = None
        self._stopping: asyncio.Future[None] | None = None
        self.address = ""

    def start(self, address: str = "127.0.0.1:0") -> str:
        self.thread.start()

        async def start() -> str:
            self.server = PluginServer(
                self.runtime, housekeeping=True, max_receive=self.max_receive, on_shutdown=self._on_shutdown
            )
            return await self.server.start(address)

        self.address = asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)
        return self.address

    def _on_shutdown(self) -> None:
        if self.server is not None:
            self._stopping = asyncio.ensure_future(self.server.stop(0.2))

    def stop(self) -> None:
        if self.server is not None and self.loop.is_running():
            future: Future[None] = asyncio.run_coroutine_threadsafe(self.server.stop(0.2), self.loop)
            try:
                future.result(timeout=10)
            except Exception:  # stopping twice is fine
                pass
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
        if not self.loop.is_running() and not self.loop.is_closed():
            self.loop.close()


def data_query(query: Mapping[str, Any]) -> pb.DataQuery:
    """A `DataQuery` proto from a dict: `ref_id`, `query_type`, `model` (dict or raw bytes), `time_range` (ms
    pair), `interval_ms`, `max_data_points`."""
    model = query.get("model", {})
    start, end = query["time_range"]
    return pb.DataQuery(
        refId=str(query.get("ref_id", "A")),
        queryType=str(query.get("query_type", "")),
        json=model if isinstance(model, bytes) else json.dumps(model).encode(),
        timeRange=pb.TimeRange(fromEpochMS=int(start), toEpochMS=int(end)),
        intervalMS=int(query.get("interval_ms", 1000)),
        maxDataPoints=int(query.get("max_data_points", 100)),
    )


class ProtocolClient:
    """Synchronous pluginv2 calls on one channel; requests and answers as plain Python values."""

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout
        self.channel = grpc.insecure_channel(
            address,
            options=[("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)],
        )
        self.data = pb_grpc.DataStub(self.channel)
        self.diagnostics = pb_grpc.DiagnosticsStub(self.channel)
        self.resource = pb_grpc.ResourceStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    @staticmethod
    def context(settings: Mapping[str, Any]) -> pb.PluginContext:
        """Build a `PluginContext` proto from a dict with snake_case keys (see `PluginClient`)."""
        ctx = pb.PluginContext(
            orgId=int(settings.get("org_id", 1)),
            pluginId=str(settings.get("plugin_id", "")),
            pluginVersion=str(settings.get("plugin_version", "")),
            userAgent=str(settings.get("user_agent", "")),
            grafanaConfig=dict(settings.get("grafana_config") or {}),
        )
        user = settings.get("user")
        if user is not None:
            ctx.user.CopyFrom(pb.User(login=user.login, name=user.name, email=user.email, role=user.role))
        json_data = json.dumps(settings.get("json_data") or {}).encode()
        secure = {k: str(v) for k, v in (settings.get("secure_json_data") or {}).items()}
        if settings.get("kind", "datasource") == "app":
            ctx.appInstanceSettings.CopyFrom(
                pb.AppInstanceSettings(
                    jsonData=json_data,
                    decryptedSecureJsonData=secure,
                    lastUpdatedMS=int(settings.get("updated_ms", 1)),
                )
            )
        else:
            ctx.dataSourceInstanceSettings.CopyFrom(
                pb.DataSourceInstanceSettings(
                    id=int(settings.get("id", 1)),
                    uid=str(settings.get("uid", "")),
                    name=str(settings.get("name", "")),
                    url=str(settings.get("url", "")),
                    jsonData=json_data,
                    decryptedSecureJsonData=secure,
                    lastUpdatedMS=int(settings.get("updated_ms", 1)),
                )
            )
        return ctx

    def query_data(
        self,
        ctx: pb.PluginContext,
        queries: Sequence[Mapping[str, Any]],
        *,
        json_format: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, RawDataResponse]:
        """Each query as for `data_query`."""
        request = pb.QueryDataRequest(
            pluginContext=ctx,
            headers=dict(headers or {}),
            format=pb.JSON if json_format else pb.ARROW,
            queries=[data_query(q) for q in queries],
        )
        response = self.data.QueryData(request, timeout=self.timeout)
        return {
            ref: (list(r.frames), r.status, r.error, r.errorSource, int(r.format))
            for ref, r in response.responses.items()
        }

    def check_health(self, ctx: pb.PluginContext, headers: Mapping[str, str] | None = None) -> HealthResult:
        response = self.diagnostics.CheckHealth(
            pb.CheckHealthRequest(pluginContext=ctx, headers=dict(headers or {})), timeout=self.timeout
        )
        details = json.loads(response.jsonDetails) if response.jsonDetails else None
        return HealthResult(_HEALTH.get(response.status, "unknown"), response.message, details)  # type: ignore[arg-type]

    def collect_metrics(self, ctx: pb.PluginContext) -> str:
        response = self.diagnostics.CollectMetrics(
            pb.CollectMetricsRequest(pluginContext=ctx), timeout=self.timeout
        )
        return bytes(response.metrics.prometheus).decode()

    def call_resource(
        self,
        ctx: pb.PluginContext,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: Mapping[str, str | Sequence[str]] | None = None,
    ) -> ResourceResponse:
        request = pb.CallResourceRequest(
            pluginContext=ctx, method=method.upper(), path=path.lstrip("/"), url=path.lstrip("/"), body=body
        )
        for key, value in (headers or {}).items():
            values = [value] if isinstance(value, str) else list(value)
            request.headers[key].values.extend(values)
        request.path = request.path.split("?", 1)[0]
        status, out_headers, chunks = 0, {}, []
        for message in self.resource.CallResource(request, timeout=self.timeout):
            if not status:
                status = message.code
                out_headers = {k: list(v.values) for k, v in message.headers.items()}
            chunks.append(bytes(message.body))
        return ResourceResponse(status or 200, out_headers, b"".join(chunks))

    def ping(self) -> bool:
        check = self.channel.unary_unary(f"/{SERVICE}/Check")
        try:
            answer = check(check_request("plugin"), timeout=self.timeout)
        except grpc.RpcError:
            return False
        return is_serving(answer)

    def shutdown(self) -> None:
        stub = grpc_controller_pb2_grpc.GRPCControllerStub(self.channel)
        try:
            stub.Shutdown(grpc_controller_pb2.Empty(), timeout=self.timeout)
        except grpc.RpcError as exc:
            if exc.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNIMPLEMENTED):
                raise
