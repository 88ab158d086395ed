"""Starting and stopping the wire server: addresses, Unix sockets, graceful and immediate stop."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import grpc
import pytest
from wire_peers import GOAWAY, PING, RST_STREAM, RawClient, echo, frame, run, serving

from gpctl.sdk._protocol._wire import Method, Server

SLOW = "/test.Wire/Slow"
ECHO = "/test.Wire/Echo"


class Gate:
    """A handler that reports when it started and answers once released; records how it ended."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.events: list[str] = []

    async def __call__(self, request: bytes, context: Any) -> bytes:
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.events.append("cancelled")
            await asyncio.sleep(0.05)
            self.events.append("cleaned up")
            raise
        self.events.append("finished")
        return b"done"


def test_graceful_stop_finishes_calls_in_flight_and_refuses_new_streams() -> None:
    gate = Gate()

    async def main() -> None:
        async with serving({SLOW: Method(gate), ECHO: Method(echo)}) as (server, address):
            raw = await RawClient.connect(address)
            raw.request(1, ECHO, b"warm")
            assert (await raw.response(1))[1][5:] == b"warm"
            async with grpc.aio.insecure_channel(address) as channel:
                call = channel.unary_unary(SLOW)(b"")
                await gate.started.wait()
                stopping = asyncio.create_task(server.stop(5))
                goaway = await raw.next_frame(GOAWAY)
                assert goaway.payload == (1).to_bytes(4, "big") + (0).to_bytes(4, "big")
                raw.request(3, ECHO, b"too late")
                refused = await raw.next_frame(RST_STREAM)
                assert (refused.stream_id, refused.payload) == (3, (7).to_bytes(4, "big"))
                with pytest.raises(OSError):
                    await RawClient.connect(address)
                assert not stopping.done()
                gate.release.set()
                assert await call == b"done"
                await asyncio.wait_for(stopping, 5)
                assert await raw.frames_until_eof() == []

    run(main)
    assert gate.events == ["finished"]


@pytest.mark.parametrize("grace", [None, 0, 0.1])
def test_stop_cancels_calls_that_outlive_the_grace_and_waits_for_their_cleanup(grace: float | None) -> None:
    gate = Gate()

    async def main() -> None:
        async with (
            serving({SLOW: Method(gate)}) as (server, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            call = channel.unary_unary(SLOW)(b"")
            await gate.started.wait()
            await asyncio.wait_for(server.stop(grace), 2)
            assert gate.events == ["cancelled", "cleaned up"]
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await call
            assert raised.value.code() == grpc.StatusCode.UNAVAILABLE

    run(main)


def test_wait_for_termination_returns_once_stopped() -> None:
    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (server, _):
            waiter = asyncio.create_task(server.wait_for_termination())
            await asyncio.sleep(0)
            assert not waiter.done()
            await server.stop(None)
            await asyncio.wait_for(waiter, 1)

    run(main)


def test_a_unix_socket_address_serves_grpc_and_raw_clients(tmp_path: Path) -> None:
    path = tmp_path / "plugin.sock"
    peers: list[str] = []

    async def handler(request: bytes, context: Any) -> bytes:
        peers.append(context.peer())
        return request

    async def main() -> None:
        async with serving({ECHO: Method(handler)}, address=f"unix:{path}") as (_, address):
            assert address == f"unix:{path}"
            async with grpc.aio.insecure_channel(address) as channel:
                assert await channel.unary_unary(ECHO)(b"over unix") == b"over unix"
            raw = await RawClient.connect(address)
            raw.send(frame(PING, 0, 0, b"12345678"))
            pong = await raw.next_frame(PING)
            assert (pong.flags, pong.payload) == (1, b"12345678")
            raw.close()

    run(main)
    assert peers == ["unix:"]


def test_an_already_bound_socket_is_served_and_its_address_reported() -> None:
    async def main() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = Server(max_receive=1024)
        server.add_method(ECHO, Method(echo))
        try:
            assert await server.start(sock=sock) == f"127.0.0.1:{port}"
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                assert await channel.unary_unary(ECHO)(b"bound") == b"bound"
        finally:
            await server.stop(None)

    run(main)


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.parametrize(
    ("address", "peer_prefix"),
    [
        ("127.0.0.1:0", "ipv4:127.0.0.1:"),
        pytest.param(
            "[::1]:0",
            "ipv6:[::1]:",
            marks=pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback here"),
        ),
    ],
)
def test_tcp_addresses_and_the_peer_a_handler_sees(address: str, peer_prefix: str) -> None:
    peers: list[str] = []

    async def handler(request: bytes, context: Any) -> bytes:
        peers.append(context.peer())
        return request

    async def main() -> None:
        async with serving({ECHO: Method(handler)}, address=address) as (_, bound):
            host, _, port = bound.rpartition(":")
            assert host == address.rpartition(":")[0]
            assert int(port) > 0
            async with grpc.aio.insecure_channel(bound) as channel:
                assert await channel.unary_unary(ECHO)(b"tcp") == b"tcp"

    run(main)
    assert peers[0].startswith(peer_prefix)
    assert int(peers[0].rpartition(":")[2]) > 0
