"""Build and run the plugin's grpc.aio server.

`REGISTRATIONS` is the one list of servicer registrations: each entry adds its services to the server when the
plugin needs them and returns their names. The go-plugin housekeeping services are added separately (only under a
go-plugin host; `serve_standalone` serves the pluginv2 services alone).

Only grpc is needed to listen: the server routes every call through one `_Router`, and `load()` fills it (runtime,
generated stubs, servicers). `serve()` starts listening with `defer=True`, prints the handshake line, then calls
`load()` before the event loop runs again, so no call is routed before the table is complete while the handshake
does not wait for protobuf and the SDK's request code.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import grpc

if TYPE_CHECKING:
    from gpctl.sdk._dispatch import Runtime

    from ._servicers import ContextMaker, Housekeeping
    from ._tracing_interceptor import TracingInterceptor

__all__ = ["DEFAULT_MAX_RECEIVE", "REGISTRATIONS", "PluginServer"]

DEFAULT_MAX_RECEIVE = 16 * 1024 * 1024
HANDLER_THREADS = 32

Registration = Callable[["grpc.aio.Server", "Runtime", "ContextMaker"], list[str]]


def _add_core(server: grpc.aio.Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    from ._servicers import DataServicer, DiagnosticsServicer, ResourceServicer
    from .pluginv2 import backend_pb2_grpc as pb_grpc

    added = ["pluginv2.Diagnostics"]
    pb_grpc.add_DiagnosticsServicer_to_server(DiagnosticsServicer(runtime, make), server)
    if runtime.table.has_data:
        pb_grpc.add_DataServicer_to_server(DataServicer(runtime, make), server)
        added.append("pluginv2.Data")
    if runtime.table.has_resources:
        pb_grpc.add_ResourceServicer_to_server(ResourceServicer(runtime, make), server)
        added.append("pluginv2.Resource")
    return added


def _add_streams(server: grpc.aio.Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    if not runtime.table.has_streams:
        return []
    from ._stream_servicer import add_stream_servicer

    return ["pluginv2.Stream"] if add_stream_servicer(server, runtime.table.streams, make) else []


def _add_admission(server: grpc.aio.Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    if not runtime.table.has_admission:
        return []
    from ._admission_servicer import add_admission_servicers

    return add_admission_servicers(server, runtime.table.admission, make)


REGISTRATIONS: list[Registration] = [_add_core, _add_streams, _add_admission]


class _Router(grpc.GenericRpcHandler):  # type: ignore[misc]
    """The server's only handler: a lookup in the method table that `PluginServer.load()` fills."""

    def __init__(self) -> None:
        self.methods: dict[str, grpc.RpcMethodHandler] = {}
        self.generic: list[grpc.GenericRpcHandler] = []

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        found = self.methods.get(handler_call_details.method)
        if found is not None:
            return found
        for handler in self.generic:
            found = handler.service(handler_call_details)
            if found is not None:
                return found
        return None

    # The registration calls of generated `add_*_to_server` functions, so they can fill the table.
    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self.generic.extend(handlers)

    def add_registered_method_handlers(
        self, service: str, handlers: dict[str, grpc.RpcMethodHandler]
    ) -> None:
        for name, handler in handlers.items():
            self.methods[f"/{service}/{name}"] = handler


class PluginServer:
    """The gRPC server of one plugin process; `housekeeping=True` adds health, broker, controller and stdio.

    `runtime` may be a function that makes it, called by `load()` (after the handshake under a host).
    """

    def __init__(
        self,
        runtime: Runtime | Callable[[], Runtime],
        *,
        plugin_id: str | None = None,
        housekeeping: bool = True,
        max_receive: int = DEFAULT_MAX_RECEIVE,
        on_shutdown: Callable[[], None] | None = None,
    ) -> None:
        self._make_runtime = runtime if callable(runtime) else None
        self._runtime = None if callable(runtime) else runtime
        self._plugin_id = plugin_id
        self.interceptors: list[TracingInterceptor] | None = None
        if os.environ.get("GF_INSTANCE_OTLP_ADDRESS"):  # Grafana asks for tracing; `load()` sets it up
            from ._tracing_interceptor import TracingInterceptor

            self.interceptors = [TracingInterceptor()]
        self.router = _Router()
        self.server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", max_receive),
                ("grpc.max_send_message_length", -1),
                ("grpc.so_reuseport", 0),
            ],
            interceptors=self.interceptors,
        )
        self.server.add_generic_rpc_handlers((self.router,))
        self.services: list[str] = []
        self._with_housekeeping = housekeeping
        self._on_shutdown = on_shutdown or (lambda: None)
        self.housekeeping: Housekeeping | None = None
        self.loaded = False

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            assert self._make_runtime is not None
            self._runtime = self._make_runtime()
        return self._runtime

    def load(self) -> None:
        """Import the servicers and fill the method table (once); call it on the server's event loop."""
        if self.loaded:
            return
        from concurrent.futures import ThreadPoolExecutor

        from ._servicers import ContextMaker, Housekeeping

        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=HANDLER_THREADS, thread_name_prefix="gpctl-handler")
        )
        runtime = self.runtime
        if self.interceptors:
            from ._tracing_interceptor import configure

            configure(self.interceptors, self._plugin_id or runtime.plugin.plugin_id)
        make = ContextMaker(runtime)
        server = cast("grpc.aio.Server", self.router)
        for register in REGISTRATIONS:
            self.services += register(server, runtime, make)
        if self._with_housekeeping:
            from ._health import add_health
            from .plugin import grpc_broker_pb2_grpc, grpc_controller_pb2_grpc, grpc_stdio_pb2_grpc

            self.housekeeping = Housekeeping(self._on_shutdown)
            grpc_broker_pb2_grpc.add_GRPCBrokerServicer_to_server(self.housekeeping, server)
            grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(self.housekeeping, server)
            grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(self.housekeeping, server)
            add_health(server)
        self.loaded = True

    async def start(self, address: str, *, defer: bool = False) -> str:
        """Listen on `address` (`host:port`, port 0 picks one, or `unix:/path`); return the bound address.

        With `defer=True` the method table stays empty until `load()`: call it before the event loop runs again.
        `load()` widens the loop's default executor, where sync handlers run, to `HANDLER_THREADS` threads so
        slow sync handlers (downstream calls) do not queue behind each other as with asyncio's cpu+4 default.
        """
        if not defer:
            self.load()
        port = self.server.add_insecure_port(address)
        await self.server.start()
        if address.startswith("unix:"):
            return address
        host = address.rsplit(":", 1)[0]
        return f"{host}:{port}"

    async def stop(self, grace: float | None = 0.5) -> None:
        if self.housekeeping is not None:
            self.housekeeping.stopping.set()
        await self.server.stop(grace)
        if self._runtime is not None:
            await self._runtime.instances.dispose_all()
        if self.interceptors:
            from ._tracing_interceptor import flush as flush_tracing

            await asyncio.to_thread(flush_tracing, self.interceptors)

    async def wait(self) -> None:
        await self.server.wait_for_termination()
