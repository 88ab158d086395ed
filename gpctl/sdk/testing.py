"""`PluginClient`: drive a plugin through its real gRPC server, in-process or already running.

    with PluginClient(ds, json_data={"base_url": "http://api.test"}, secure_json_data={"api_key": "k"}) as client:
        result = client.query("current", {"city": "Oslo"})          # refId "A" by default
        assert result["A"].status == 200
        frame = result["A"].frames[0]

`PluginClient(plugin)` starts the plugin's server on 127.0.0.1 in a background thread (the same server `serve()`
runs, housekeeping included); `PluginClient.connect(address)` talks to a server that already runs (a launched
executable or `gpctl dev`). `instance=` replaces the plugin's instance factory.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from gpctl.sdk._admission import ConversionResult, MutationResult, ValidationResult
from gpctl.sdk._context import User
from gpctl.sdk._health import HealthResult
from gpctl.sdk._plugin import _Plugin
from gpctl.sdk._stream import PublishResult, SubscribeResult
from gpctl.sdk.data import Frame
from gpctl.sdk.resources import ResourceResponse

if TYPE_CHECKING:
    from gpctl.sdk._protocol._chunked import Chunk
    from gpctl.sdk._protocol._stream_servicer import StreamRun

__all__ = ["PluginClient", "QueryResult", "ResourceResponse"]

_ADMIN = User("admin", "Admin", "admin@example.com", "Admin")


@dataclass(frozen=True)
class QueryResult:
    """One refId's answer: decoded frames, status, error text and source."""

    frames: list[Frame] = field(default_factory=list)
    status: int = 200
    error: str = ""
    error_source: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _with_time_range(query: Mapping[str, Any]) -> dict[str, Any]:
    """`query` with its `time_range` (epoch ms pair) defaulting to the last hour."""
    now = int(time.time() * 1000)
    return {**query, "time_range": query.get("time_range") or (now - 3_600_000, now)}


class PluginClient:
    """A typed client for a plugin's pluginv2 services (see the module docstring).

    **Parameters:**
    * **plugin** - a `Datasource`/`App` to serve in-process (omit with `connect`).
    * **instance** - use this object as `ctx.instance` instead of calling the plugin's factory (None: use it).
    * **json_data**, **secure_json_data** - the datasource (or app) settings sent with every request.
    * **uid**, **plugin_id**, **org_id**, **user**, **grafana_config** - the rest of the plugin context.
    * **max_receive** - the in-process server's receive limit (default 16 MiB, like `serve()`).
    """

    def __init__(
        self,
        plugin: _Plugin | None = None,
        *,
        instance: Any = None,
        json_data: Mapping[str, Any] | None = None,
        secure_json_data: Mapping[str, str] | None = None,
        uid: str = "test-datasource",
        plugin_id: str | None = None,
        org_id: int = 1,
        user: User | None = _ADMIN,
        grafana_config: Mapping[str, str] | None = None,
        max_receive: int | None = None,
        timeout: float = 30.0,
        address: str | None = None,
    ) -> None:
        if plugin is None and address is None:
            raise ValueError("Give a plugin to serve in-process, or use `PluginClient.connect(address)`.")
        self.plugin = plugin
        self.timeout = timeout
        self.settings: dict[str, Any] = {
            "kind": plugin.kind if plugin is not None else "datasource",
            "plugin_id": plugin_id if plugin_id is not None else (plugin.plugin_id if plugin else ""),
            "uid": uid,
            "org_id": org_id,
            "user": user,
            "json_data": dict(json_data or {}),
            "secure_json_data": dict(secure_json_data or {}),
            "grafana_config": dict(grafana_config or {}),
            "updated_ms": int(time.time() * 1000),
        }
        self._instance = instance
        self._max_receive = max_receive
        self._server: Any = None
        self._client: Any = None
        self.address = address or ""

    @classmethod
    def connect(cls, address: str, **options: Any) -> PluginClient:
        """A client for a plugin server already listening at `address` (`host:port` or `unix:/path`)."""
        client = cls(None, address=address, **options)
        client._open()
        return client

    def _open(self) -> None:
        from gpctl.sdk._protocol._client import InProcessServer, ProtocolClient

        if self.plugin is not None and self._server is None:
            from gpctl.sdk._dispatch import Runtime

            override = {} if self._instance is None else {"instance": self._instance}
            runtime = Runtime(self.plugin, **override)
            kwargs = {"max_receive": self._max_receive} if self._max_receive else {}
            self._server = InProcessServer(runtime, **kwargs)
            self.address = self._server.start()
        if self._client is None:
            self._client = ProtocolClient(self.address, timeout=self.timeout)

    def __enter__(self) -> PluginClient:
        self._open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel and stop the in-process server."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _ready(self) -> Any:
        if self._client is None:
            self._open()
        return self._client

    def _ctx(self) -> Any:
        return self._ready().context(self.settings)

    def query(
        self,
        query_type: str = "",
        model: Mapping[str, Any] | bytes | None = None,
        *,
        ref_id: str = "A",
        time_range: tuple[int, int] | None = None,
        format: Literal["arrow", "json"] = "arrow",
        headers: Mapping[str, str] | None = None,
        max_data_points: int = 100,
        interval_ms: int = 1000,
    ) -> dict[str, QueryResult]:
        """Send one query (`time_range` in epoch ms, default the last hour); return results keyed by refId."""
        return self.query_many(
            [
                {
                    "ref_id": ref_id,
                    "query_type": query_type,
                    "model": model if model is not None else {},
                    "time_range": time_range,
                    "max_data_points": max_data_points,
                    "interval_ms": interval_ms,
                }
            ],
            format=format,
            headers=headers,
        )

    def query_many(
        self,
        queries: Sequence[Mapping[str, Any]],
        *,
        format: Literal["arrow", "json"] = "arrow",
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, QueryResult]:
        """Send several queries in one request (dicts with `ref_id`, `query_type`, `model`, `time_range`...)."""
        prepared = [_with_time_range(q) for q in queries]
        raw = self._ready().query_data(self._ctx(), prepared, json_format=format == "json", headers=headers)
        out = {}
        for ref, (frames, status, error, source, fmt) in raw.items():
            decoded = [Frame.from_json(f) if fmt == 1 else Frame.from_arrow_bytes(f) for f in frames]
            out[ref] = QueryResult(decoded, status, error, source)
        return out

    def check_health(self, headers: Mapping[str, str] | None = None) -> HealthResult:
        result: HealthResult = self._ready().check_health(self._ctx(), headers)
        return result

    def call_resource(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: Mapping[str, str | Sequence[str]] | None = None,
    ) -> ResourceResponse:
        """Call a resource (`path` may carry a query string); the streamed body is joined."""
        response: ResourceResponse = self._ready().call_resource(
            self._ctx(), method, path, body=body, headers=headers
        )
        return response

    def collect_metrics(self) -> str:
        """The plugin's Prometheus text."""
        return str(self._ready().collect_metrics(self._ctx()))

    def ping(self) -> bool:
        """Whether the grpc.health service answers SERVING for `plugin` (False without housekeeping)."""
        return bool(self._ready().ping())

    def shutdown(self) -> None:
        """Call go-plugin's `GRPCController.Shutdown`, as the host's Kill does."""
        self._ready().shutdown()

    # Streams, chunked queries, admission and conversion (their client calls live beside their servicers) -------

    def subscribe_stream(self, path: str, data: Any = None) -> SubscribeResult:
        """SubscribeStream for channel `path` (`data`: JSON-able value or bytes)."""
        from gpctl.sdk._protocol import _stream_servicer

        return _stream_servicer.subscribe(self._ready().channel, self._ctx(), path, data, self.timeout)

    def publish_stream(self, path: str, data: Any = None) -> PublishResult:
        """PublishStream `data` to channel `path`."""
        from gpctl.sdk._protocol import _stream_servicer

        return _stream_servicer.publish(self._ready().channel, self._ctx(), path, data, self.timeout)

    def run_stream(self, path: str, *, data: Any = None, max_packets: int | None = None) -> StreamRun:
        """RunStream `path`, decoding each packet as JSON; cancel (as Grafana does) after `max_packets`."""
        from gpctl.sdk._protocol import _stream_servicer

        return _stream_servicer.run(self._ready().channel, self._ctx(), path, data, max_packets, self.timeout)

    def query_chunked(
        self,
        query_type: str = "",
        model: Mapping[str, Any] | bytes | None = None,
        *,
        ref_id: str = "A",
        time_range: tuple[int, int] | None = None,
        format: Literal["arrow", "json"] = "arrow",
    ) -> list[Chunk]:
        """Send one query as QueryChunkedData; return its chunks (raises `RpcFailed` on a gRPC error)."""
        from gpctl.sdk._protocol import _chunked
        from gpctl.sdk._protocol._admission_servicer import RpcFailed

        query = _with_time_range(
            {"ref_id": ref_id, "query_type": query_type, "model": model or {}, "time_range": time_range}
        )
        chunks, code = _chunked.query_chunked(
            self._ready().channel, self._ctx(), [query], json_format=format == "json", timeout=self.timeout
        )
        if code:
            raise RpcFailed("QueryChunkedData", code, "")
        return chunks

    def validate_admission(
        self,
        obj: Any,
        *,
        operation: str = "CREATE",
        kind: tuple[str, str, str] = ("", "", ""),
        old: Any = None,
    ) -> ValidationResult:
        """ValidateAdmission of `obj` (JSON-able value or bytes)."""
        from gpctl.sdk._protocol import _admission_servicer

        args = (self._ctx(), obj, operation, kind, old, self.timeout)
        return _admission_servicer.validate(self._ready().channel, *args)

    def mutate_admission(
        self,
        obj: Any,
        *,
        operation: str = "CREATE",
        kind: tuple[str, str, str] = ("", "", ""),
        old: Any = None,
    ) -> MutationResult:
        """MutateAdmission of `obj` (JSON-able value or bytes)."""
        from gpctl.sdk._protocol import _admission_servicer

        args = (self._ctx(), obj, operation, kind, old, self.timeout)
        return _admission_servicer.mutate(self._ready().channel, *args)

    def convert_objects(
        self, objects: Sequence[Any], *, target_version: tuple[str, str] = ("", ""), uid: str = ""
    ) -> ConversionResult:
        """ConvertObjects: `objects` are `RawObject`s, bytes or JSON-able values (sent as application/json)."""
        from gpctl.sdk._protocol import _admission_servicer

        args = (self._ctx(), objects, target_version, uid, self.timeout)
        return _admission_servicer.convert(self._ready().channel, *args)
