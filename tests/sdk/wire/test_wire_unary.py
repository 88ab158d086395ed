"""Unary calls through the wire server, driven by grpcio's own client on raw bytes."""

from __future__ import annotations

import asyncio
import hashlib
import os
from typing import Any

import grpc
import pytest
from wire_peers import MiB, echo, run, serving

from gpctl.sdk._protocol._wire import Method, StatusCode, add_service

ECHO = "/test.Wire/Echo"
BIG_CLIENT = [("grpc.max_receive_message_length", 64 * MiB), ("grpc.max_send_message_length", 64 * MiB)]


def test_unary_echo_returns_the_request_bytes() -> None:
    async def main() -> None:
        async with (
            serving({ECHO: Method(echo)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            call = channel.unary_unary(ECHO)
            assert await call(b"hello") == b"hello"
            assert await call(b"") == b""

    run(main)


def test_metadata_reaches_the_handler_and_bin_keys_are_bytes() -> None:
    seen: list[tuple[str, str | bytes]] = []

    async def handler(request: bytes, context: Any) -> bytes:
        seen.extend(context.invocation_metadata())
        return b"ok"

    async def main() -> None:
        async with (
            serving({ECHO: Method(handler)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            metadata = (("x-plain", "value one"), ("x-blob-bin", b"\x00\xff\x10binary"), ("x-plain", "two"))
            assert await channel.unary_unary(ECHO)(b"", metadata=metadata) == b"ok"

    run(main)
    # grpcio's client groups values by key; values of one key keep their order.
    ours = sorted(((key, value) for key, value in seen if key.startswith("x-")), key=lambda kv: kv[0])
    assert ours == [("x-blob-bin", b"\x00\xff\x10binary"), ("x-plain", "value one"), ("x-plain", "two")]
    names = {key for key, _ in seen}
    assert not names & {":path", ":authority", "content-type", "te", "grpc-timeout"}


def test_large_metadata_arrives_and_the_connection_goes_on() -> None:
    async def handler(request: bytes, context: Any) -> bytes:
        return dict(context.invocation_metadata())["x-large"].encode()[-10:]

    async def main() -> None:
        async with (
            serving({ECHO: Method(handler)}) as (server, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            value = "v" * (512 * 1024) + "0123456789"
            assert await channel.unary_unary(ECHO)(b"", metadata=(("x-large", value),)) == b"0123456789"
            assert len(server.connections) == 1

    run(main)


def test_unknown_method_is_unimplemented() -> None:
    async def main() -> None:
        async with (
            serving({ECHO: Method(echo)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await channel.unary_unary("/test.Wire/Missing")(b"x")
            assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
            assert raised.value.details() == "Method not found: /test.Wire/Missing"
            assert await channel.unary_unary(ECHO)(b"still here") == b"still here"

    run(main)


async def _abort(request: bytes, context: Any) -> bytes:
    await context.abort(StatusCode.NOT_FOUND, "näme `x` 100%")


async def _set_code(request: bytes, context: Any) -> bytes:
    context.set_code(StatusCode.INVALID_ARGUMENT)
    context.set_details("The field `a` is required.")
    return b"ignored"


async def _raise(request: bytes, context: Any) -> bytes:
    raise ValueError("secret internals")


@pytest.mark.parametrize(
    ("handler", "status", "details", "logged"),
    [
        (_abort, grpc.StatusCode.NOT_FOUND, "näme `x` 100%", []),
        (_set_code, grpc.StatusCode.INVALID_ARGUMENT, "The field `a` is required.", []),
        (
            _raise,
            grpc.StatusCode.UNKNOWN,
            "Unexpected `ValueError` in the plugin.",
            ["A gRPC handler raised `ValueError`."],
        ),
    ],
    ids=["abort", "set_code", "raise"],
)
def test_a_handler_ends_a_unary_call_with_its_status(
    handler: Any, status: grpc.StatusCode, details: str, logged: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> None:
        async with (
            serving({ECHO: Method(handler)}) as (_, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await channel.unary_unary(ECHO)(b"x")
            assert raised.value.code() == status
            assert raised.value.details() == details

    run(main)
    assert [r.getMessage() for r in caplog.records] == logged


def test_large_messages_both_ways_arrive_byte_identical() -> None:
    response = os.urandom(10 * MiB)
    request = os.urandom(8 * MiB)
    digests: list[str] = []

    async def big(request: bytes, context: Any) -> bytes:
        digests.append(hashlib.sha256(request).hexdigest())
        return response

    async def main() -> None:
        async with (
            serving({ECHO: Method(big)}) as (_, address),
            grpc.aio.insecure_channel(address, options=BIG_CLIENT) as channel,
        ):
            call = channel.unary_unary(ECHO)
            for _ in range(2):
                assert await call(request) == response
            # Small calls still take the single-write path after the windows were exercised.
            assert await channel.unary_unary(ECHO)(b"x") == response

    run(main, timeout=30)
    assert digests == [hashlib.sha256(request).hexdigest()] * 2 + [hashlib.sha256(b"x").hexdigest()]


def test_a_request_over_max_receive_is_resource_exhausted_and_the_connection_goes_on() -> None:
    async def main() -> None:
        async with (
            serving({ECHO: Method(echo)}, max_receive=1 * MiB) as (server, address),
            grpc.aio.insecure_channel(address, options=BIG_CLIENT) as channel,
        ):
            call = channel.unary_unary(ECHO)
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await call(bytes(3 * MiB))
            assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert raised.value.details() == "Received message larger than max (3145728 vs. 1048576)."
            assert await call(bytes(MiB)) == bytes(MiB)
            assert len(server.connections) == 1

    run(main)


def test_many_concurrent_calls_all_succeed() -> None:
    calls = 200
    started = 0
    all_started = asyncio.Event()

    async def handler(request: bytes, context: Any) -> bytes:
        # Every call waits until all have started: this passes only if the server runs them concurrently.
        nonlocal started
        started += 1
        if started == calls:
            all_started.set()
        await all_started.wait()
        return request[::-1]

    async def main() -> None:
        async with (
            serving({ECHO: Method(handler)}) as (server, address),
            grpc.aio.insecure_channel(address) as channel,
        ):
            call = channel.unary_unary(ECHO)
            payloads = [f"call {i}".encode() * (1 + i % 7) for i in range(calls)]
            results = await asyncio.gather(*(call(p) for p in payloads))
            assert results == [p[::-1] for p in payloads]
            assert len(server.connections) == 1

    run(main)


def test_grpcio_blocking_client_from_another_thread() -> None:
    def blocking_calls(address: str) -> list[bytes]:
        with grpc.insecure_channel(address) as channel:
            call = channel.unary_unary(ECHO)
            return [call(b"sync %d" % i, timeout=5) for i in range(20)]

    async def main() -> None:
        async with serving({ECHO: Method(echo)}) as (_, address):
            got = await asyncio.to_thread(blocking_calls, address)
            assert got == [b"sync %d" % i for i in range(20)]

    run(main)


def test_add_service_registers_the_servicer_methods_of_a_protobuf_service() -> None:
    from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb

    class Diagnostics:
        async def CheckHealth(self, request: Any, context: Any) -> Any:
            return pb.CheckHealthResponse(
                status=pb.CheckHealthResponse.OK, message=request.pluginContext.pluginId
            )

    async def main() -> None:
        async with serving({}) as (server, address):
            paths = add_service(server, Diagnostics(), pb.DESCRIPTOR.services_by_name["Diagnostics"])
            assert paths == ["/pluginv2.Diagnostics/CheckHealth"]
            async with grpc.aio.insecure_channel(address) as channel:
                check = channel.unary_unary(
                    paths[0],
                    request_serializer=pb.CheckHealthRequest.SerializeToString,
                    response_deserializer=pb.CheckHealthResponse.FromString,
                )
                request = pb.CheckHealthRequest(pluginContext=pb.PluginContext(pluginId="acme"))
                response = await check(request)
                assert (response.status, response.message) == (pb.CheckHealthResponse.OK, "acme")
                with pytest.raises(grpc.aio.AioRpcError) as raised:
                    await channel.unary_unary("/pluginv2.Diagnostics/CollectMetrics")(b"")
                assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED

    run(main)
