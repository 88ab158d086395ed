"""A real HTTP downstream: one keep-alive connection per instance, closed when the settings change."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from gpctl.sdk._instances import InstanceManager


class Downstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: list[int] = []  # client port of each request
        self.opened: list[int] = []
        self.closed: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: Downstream

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.opened.append(self.client_address[1])

    def finish(self) -> None:
        super().finish()
        with self.server.lock:
            self.server.closed.append(self.client_address[1])

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(self.client_address[1])
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def downstream() -> Iterator[Downstream]:
    server = Downstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@dataclass
class Settings:
    url: str
    id: int = 1
    uid: str = "ds"
    last_updated_ms: int = 1


@dataclass
class Ctx:
    datasource_settings: Settings
    grafana_config: dict[str, str] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=settings.url) as client:
        yield client


async def wait_for(predicate: object, timeout: float = 2.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if callable(predicate) and predicate():
            return
        await asyncio.sleep(0.01)


def test_connections_reused_across_queries_and_closed_on_settings_change(downstream: Downstream) -> None:
    async def main() -> None:
        manager = InstanceManager(connect)
        ctx = Ctx(Settings(downstream.url))
        for _ in range(5):  # five "queries" with the same settings
            async with manager.use(ctx, {}) as client:
                assert (await client.get("/q")).json() == {"ok": True}
        assert len(set(downstream.requests)) == 1  # one TCP connection served all five
        first = downstream.requests[0]
        assert downstream.closed == []

        changed = Ctx(Settings(downstream.url, last_updated_ms=2))
        async with manager.use(changed, {}) as client:
            await client.get("/q")
        await wait_for(lambda: first in downstream.closed)
        assert first in downstream.closed  # the old client was closed, its connection with it
        assert len(set(downstream.requests)) == 2

        await manager.dispose_all()
        await wait_for(lambda: len(downstream.closed) == 2)
        assert sorted(downstream.closed) == sorted(set(downstream.requests))

    asyncio.run(main())
