"""Build and run the plugin's gRPC server (`gpctl.sdk._protocol._wire`, asyncio speaking HTTP/2 itself).

`REGISTRATIONS` is the one list of servicer registrations: each entry adds its services to the server when the
plugin needs them and returns their names. The go-plugin housekeeping services are added separately (only under a
go-plugin host; `serve_standalone` serves the pluginv2 services alone).

`load()` fills the method table (runtime, protobuf messages, servicers) and `start()` calls it before accepting,
so no call is routed before the table is complete. Under a host, `serve()` has printed the handshake line on a
socket bound earlier (`gpctl.sdk._listen`), so the handshake waits for none of this.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._wire import Server, add_service

if TYPE_CHECKING:
    from ssl import SSLContext

    from gpctl.sdk._dispatch import Runtime

    from ._servicers import ContextMaker, Housekeeping
    from ._tracing_interceptor import TracingInterceptor

__all__ = ["DEFAULT_MAX_RECEIVE", "REGISTRATIONS", "PluginServer"]

DEFAULT_MAX_RECEIVE = 16 * 1024 * 1024
HANDLER_THREADS = 32

Registration = Callable[[Server, "Runtime", "ContextMaker"], list[str]]


def _add_core(server: Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    from ._servicers import DataServicer, DiagnosticsServicer, ResourceServicer
    from .pluginv2 import backend_pb2 as pb

    services = pb.DESCRIPTOR.services_by_name
    added = ["pluginv2.Diagnostics"]
    add_service(server, DiagnosticsServicer(runtime, make), services["Diagnostics"])
    if runtime.table.has_data:
        add_service(server, DataServicer(runtime, make), services["Data"])
        added.append("pluginv2.Data")
    if runtime.table.has_resources:
        add_service(server, ResourceServicer(runtime, make), services["Resource"])
        added.append("pluginv2.Resource")
    return added


def _add_streams(server: Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    if not runtime.table.has_streams:
        return []
    from ._stream_servicer import add_stream_servicer

    return ["pluginv2.Stream"] if add_stream_servicer(server, runtime.table.streams, make) else []


def _add_admission(server: Server, runtime: Runtime, make: ContextMaker) -> list[str]:
    if not runtime.table.has_admission:
        return []
    from ._admission_servicer import add_admission_servicers

    return add_admission_servicers(server, runtime.table.admission, make)


REGISTRATIONS: list[Registration] = [_add_core, _add_streams, _add_admission]


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
        self.server = Server(
            max_receive=max_receive, wrap=self.interceptors[0] if self.interceptors else None
        )
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
        server = self.server
        for register in REGISTRATIONS:
            self.services += register(server, runtime, make)
        if self._with_housekeeping:
            from ._health import add_health
            from .plugin import grpc_broker_pb2, grpc_controller_pb2, grpc_stdio_pb2

            self.housekeeping = Housekeeping(self._on_shutdown)
            add_service(server, self.housekeeping, grpc_broker_pb2.DESCRIPTOR.services_by_name["GRPCBroker"])
            add_service(
                server, self.housekeeping, grpc_controller_pb2.DESCRIPTOR.services_by_name["GRPCController"]
            )
            add_service(server, self.housekeeping, grpc_stdio_pb2.DESCRIPTOR.services_by_name["GRPCStdio"])
            add_health(server)
        self.loaded = True

    async def start(
        self,
        address: str | None = None,
        *,
        sock: socket.socket | None = None,
        ssl: SSLContext | None = None,
    ) -> str:
        """Load the method table, then listen on `address` (`host:port`, port 0 picks one, or `unix:/path`) or on
        the bound, listening `sock`, with TLS when `ssl` is given; return the bound address.

        `load()` widens the loop's default executor, where sync handlers run, to `HANDLER_THREADS` threads so
        slow sync handlers (downstream calls) do not queue behind each other as with asyncio's cpu+4 default.
        """
        self.load()
        return await self.server.start(address, sock=sock, ssl=ssl)

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
