"""Build and run the plugin's grpc.aio server.

`REGISTRATIONS` is the one list of servicer registrations: each entry adds its services to the server when the
plugin needs them and returns their names. The go-plugin housekeeping services are added separately (only under a
go-plugin host; `serve_standalone` serves the pluginv2 services alone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import grpc

from gpctl.sdk._dispatch import Runtime

from ._health import add_health
from ._servicers import ContextMaker, DataServicer, DiagnosticsServicer, Housekeeping, ResourceServicer
from ._tracing_interceptor import flush as flush_tracing
from ._tracing_interceptor import interceptors
from .plugin import grpc_broker_pb2_grpc, grpc_controller_pb2_grpc, grpc_stdio_pb2_grpc
from .pluginv2 import backend_pb2_grpc as pb_grpc

__all__ = ["DEFAULT_MAX_RECEIVE", "REGISTRATIONS", "PluginServer"]

DEFAULT_MAX_RECEIVE = 16 * 1024 * 1024
HANDLER_THREADS = 32

Registration = Callable[[grpc.aio.Server, Runtime, ContextMaker], list[str]]


def _add_core(server: grpc.aio.Server, runtime: Runtime, make: ContextMaker) -> list[str]:
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


class PluginServer:
    """The gRPC server of one plugin process; `housekeeping=True` adds health, broker, controller and stdio."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        housekeeping: bool = True,
        max_receive: int = DEFAULT_MAX_RECEIVE,
        on_shutdown: Callable[[], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.interceptors = interceptors(runtime.plugin.plugin_id)  # tracing, when Grafana asks for it
        self.server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", max_receive),
                ("grpc.max_send_message_length", -1),
                ("grpc.so_reuseport", 0),
            ],
            interceptors=self.interceptors,
        )
        make = ContextMaker(runtime)
        self.services: list[str] = []
        for register in REGISTRATIONS:
            self.services += register(self.server, runtime, make)
        self.housekeeping: Housekeeping | None = None
        if housekeeping:
            self.housekeeping = Housekeeping(on_shutdown or (lambda: None))
            grpc_broker_pb2_grpc.add_GRPCBrokerServicer_to_server(self.housekeeping, self.server)
            grpc_controller_pb2_grpc.add_GRPCControllerServicer_to_server(self.housekeeping, self.server)
            grpc_stdio_pb2_grpc.add_GRPCStdioServicer_to_server(self.housekeeping, self.server)
            add_health(self.server)

    async def start(self, address: str) -> str:
        """Listen on `address` (`host:port`, port 0 picks one, or `unix:/path`); return the bound address.

        Sync handlers run in the loop's default executor, widened to `HANDLER_THREADS` threads so slow sync
        handlers (downstream calls) do not queue behind each other as they would with asyncio's cpu+4 default.
        """
        from concurrent.futures import ThreadPoolExecutor

        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=HANDLER_THREADS, thread_name_prefix="gpctl-handler")
        )
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
        await self.runtime.instances.dispose_all()
        if self.interceptors:
            await asyncio.to_thread(flush_tracing, self.interceptors)

    async def wait(self) -> None:
        await self.server.wait_for_termination()
