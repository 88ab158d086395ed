"""The dev server's fixed address: a TCP relay in front of whichever worker serves the current code.

Workers listen on ports of their own; the relay owns the address Grafana knows (`standalone.txt`) and hands each new
connection to the current worker. Swapping workers only changes where new connections go. The old worker is then
stopped gracefully: its in-flight calls finish, its gRPC server sends GOAWAY, and the client (Grafana, `gpctl
query`) opens a new connection, which reaches the new worker. No call is refused during a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from gpctl.errors import DevError

__all__ = ["Relay"]

_CHUNK = 256 * 1024


class Relay:
    """Accept connections on `address` and pipe each one to the current target (`None`: refuse politely)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.target: str | None = None
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="gpctl-dev-relay", daemon=True)

    def start(self) -> None:
        """Bind the address and start relaying in a background thread.

        Raises:
            DevError: the address cannot be bound.
        """
        host, _, port = self.address.rpartition(":")
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, host, int(port), reuse_address=True), self._loop
        )
        try:
            self._server = future.result(10)
        except OSError as exc:
            self.close()
            raise DevError(
                f"Cannot listen on `{self.address}`: {exc.strerror or exc}.",
                hint="Stop the other dev server, or pass another --address.",
            ) from None

    def set_target(self, address: str | None) -> None:
        """Send new connections to `address` from now on."""
        self.target = address

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        target = self.target
        if target is None:
            writer.close()
            return
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._writers.difference_update((writer, up_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(_CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def close(self) -> None:
        """Stop accepting, drop every relayed connection, stop the thread (idempotent)."""
        if self._loop.is_closed():
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._writers):
                writer.close()

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()
