"""The server: a method table, listeners on TCP (optionally TLS) or Unix sockets, graceful stop with GOAWAY."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._call import Method
from ._connection import Connection

if TYPE_CHECKING:
    from ssl import SSLContext

__all__ = ["Server", "add_service"]


class Server:
    """A gRPC server on asyncio speaking HTTP/2 itself (no grpcio).

    `wrap(path, method)`, when given, may replace each method as it is added (interceptors such as tracing).
    """

    def __init__(self, *, max_receive: int, wrap: Callable[[str, Method], Method] | None = None) -> None:
        self.methods: dict[str, Method] = {}
        self.max_receive = max_receive
        self.wrap = wrap
        self.connections: set[Connection] = set()
        self._listeners: list[asyncio.AbstractServer] = []
        self._terminated: asyncio.Event | None = None

    def add_method(self, path: str, method: Method) -> None:
        self.methods[path] = self.wrap(path, method) if self.wrap is not None else method

    def _event(self) -> asyncio.Event:
        if self._terminated is None:
            self._terminated = asyncio.Event()
        return self._terminated

    async def start(
        self, address: str | None = None, *, sock: socket.socket | None = None, ssl: SSLContext | None = None
    ) -> str:
        """Listen on `address` (`host:port`, port 0 picks one, or `unix:/path`) or an already bound `sock`.

        With `ssl`, connections speak TLS with that context (TCP only). Returns the bound address in the same form.
        """
        loop = asyncio.get_running_loop()
        self._event()
        unix = sock.family == socket.AF_UNIX if sock is not None else (address or "").startswith("unix:")
        if ssl is not None and unix:
            raise ValueError("TLS is served on TCP only, not on a Unix socket.")
        if sock is not None:
            if unix:
                listener = await loop.create_unix_server(lambda: Connection(self), sock=sock)
            else:
                listener = await loop.create_server(lambda: Connection(self), sock=sock, ssl=ssl)
            self._listeners.append(listener)
            name = sock.getsockname()
            return f"unix:{name}" if isinstance(name, str) else f"{name[0]}:{name[1]}"
        assert address is not None
        if unix:
            listener = await loop.create_unix_server(lambda: Connection(self), address[len("unix:") :])
            self._listeners.append(listener)
            return address
        host, _, port = address.rpartition(":")
        listener = await loop.create_server(
            lambda: Connection(self), host.strip("[]") or "127.0.0.1", int(port), reuse_address=True, ssl=ssl
        )
        self._listeners.append(listener)
        bound = listener.sockets[0].getsockname()
        return f"{host}:{bound[1]}"

    async def stop(self, grace: float | None = None) -> None:
        """Stop accepting, send GOAWAY, let calls in flight finish for up to `grace` seconds, then close."""
        for listener in self._listeners:
            listener.close()
        connections = list(self.connections)
        for conn in connections:
            conn.goaway()
        if grace and connections:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*(c.idle.wait() for c in connections)), grace)
        # Collected before closing: closing a connection resets its streams, which removes them from `streams`.
        tasks = [s.task for c in connections for s in c.streams.values() if s.task is not None]
        for conn in connections:
            conn.close()
        if tasks:
            await asyncio.wait(tasks, timeout=0.5)
        self._event().set()

    async def wait_for_termination(self) -> None:
        await self._event().wait()


def add_service(server: Server, servicer: Any, service: Any) -> list[str]:
    """Register the methods of `servicer` named in the protobuf `service` descriptor; return their paths."""
    from google.protobuf.message_factory import GetMessageClass

    added = []
    for method in service.methods:
        handler = getattr(servicer, method.name, None)
        if handler is None:
            continue
        path = f"/{service.full_name}/{method.name}"
        server.add_method(
            path,
            Method(
                handler,
                GetMessageClass(method.input_type).FromString,
                _serialize,
                method.client_streaming,
                method.server_streaming,
            ),
        )
        added.append(path)
    return added


def _serialize(message: Any) -> bytes:
    data: bytes = message.SerializeToString()
    return data
