"""Stream, admission and conversion servicers over a real in-process gRPC server and client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from gpctl.sdk._admission import AdmissionHandlers, ConversionResult, MutationResult, ValidationResult
from gpctl.sdk._protocol._admission_servicer import add_admission_servicers
from gpctl.sdk._protocol._stream_servicer import add_stream_servicer
from gpctl.sdk._protocol._wire import Server
from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
from gpctl.sdk._protocol.pluginv2 import backend_pb2_grpc as pb_grpc
from gpctl.sdk._stream import RunStreamRequest, StreamRouter
from gpctl.sdk.data import Field, Frame


@dataclass
class DsSettings:
    uid: str


@dataclass
class Ctx:
    plugin_id: str
    datasource_settings: DsSettings | None


async def make_context(proto: pb.PluginContext, context: Any) -> Ctx:
    uid = proto.dataSourceInstanceSettings.uid
    return Ctx(proto.pluginId, DsSettings(uid) if uid else None)


Setup = Callable[[Server], None]


def serve(setup: Setup, body: Callable[[grpc.aio.Channel], Awaitable[None]]) -> None:
    async def main() -> None:
        server = Server(max_receive=16 * 1024 * 1024)
        setup(server)
        address = await server.start("127.0.0.1:0")
        try:
            async with grpc.aio.insecure_channel(address) as channel:
                await body(channel)
        finally:
            await server.stop(None)

    asyncio.run(main())


PLUGIN_CTX = pb.PluginContext(
    pluginId="p", dataSourceInstanceSettings=pb.DataSourceInstanceSettings(uid="ds1")
)


def stream_router(events: list[str]) -> StreamRouter:
    router = StreamRouter()

    @router.route("live/{city}")
    async def live(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[Frame]:
        n = 0
        try:
            while True:
                n += 1
                yield Frame(req.path_params["city"], Field("n", [float(n)]))
                await asyncio.sleep(0.01)
        finally:
            events.append(f"closed {req.channel}")

    @router.route("finite")
    async def finite(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[dict[str, int]]:
        yield {"n": 1}

    @router.route("broken")
    async def broken(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[dict[str, int]]:
        yield {"n": 1}
        raise RuntimeError("secret detail")

    return router


def test_stream_rpcs() -> None:
    events: list[str] = []
    router = stream_router(events)

    async def body(channel: grpc.aio.Channel) -> None:
        stub = pb_grpc.StreamStub(channel)
        sub = await stub.SubscribeStream(
            pb.SubscribeStreamRequest(pluginContext=PLUGIN_CTX, path="live/oslo")
        )
        assert sub.status == pb.SubscribeStreamResponse.OK
        missing = await stub.SubscribeStream(pb.SubscribeStreamRequest(pluginContext=PLUGIN_CTX, path="x"))
        assert missing.status == pb.SubscribeStreamResponse.NOT_FOUND
        pub = await stub.PublishStream(pb.PublishStreamRequest(pluginContext=PLUGIN_CTX, path="live/oslo"))
        assert pub.status == pb.PublishStreamResponse.PERMISSION_DENIED

        call = stub.RunStream(pb.RunStreamRequest(pluginContext=PLUGIN_CTX, path="live/oslo"))
        packets = []
        async for packet in call:
            packets.append(json.loads(packet.data))
            if len(packets) == 3:
                break
        call.cancel()
        assert packets[0]["schema"]["name"] == "oslo"
        assert packets[1] == {"data": {"values": [[2.0]]}}
        for _ in range(100):
            if events:
                break
            await asyncio.sleep(0.01)
        assert events == ["closed ds/ds1/live/oslo"]

        finite = [json.loads(p.data) async for p in stub.RunStream(pb.RunStreamRequest(path="finite"))]
        assert finite == [{"n": 1}]

        with pytest.raises(grpc.aio.AioRpcError) as info:
            _ = [p async for p in stub.RunStream(pb.RunStreamRequest(path="broken"))]
        assert info.value.code() == grpc.StatusCode.UNKNOWN
        assert info.value.details() == "The run handler of stream `broken` raised `RuntimeError`."

        with pytest.raises(grpc.aio.AioRpcError) as info:
            _ = [p async for p in stub.RunStream(pb.RunStreamRequest(path="nowhere"))]
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
        assert info.value.details() == "No stream handler matches the channel path `nowhere`."

    serve(lambda server: add_stream_servicer(server, router, make_context), body)


def test_no_routes_means_unimplemented() -> None:
    async def body(channel: grpc.aio.Channel) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await pb_grpc.StreamStub(channel).SubscribeStream(pb.SubscribeStreamRequest(path="x"))
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED

    serve(lambda server: add_stream_servicer(server, StreamRouter(), make_context), body)


def test_admission_and_conversion_rpcs() -> None:
    handlers = AdmissionHandlers()

    @handlers.validate_admission
    def validate(req: Any, ctx: Ctx) -> ValidationResult:
        if req.operation == "DELETE":
            return ValidationResult.deny("Deleting is not allowed.", code=403)
        return ValidationResult.allow(warnings=[f"{req.kind.kind} ok"])

    @handlers.convert_objects
    def convert(req: Any, ctx: Ctx) -> ConversionResult:
        return ConversionResult.ok([{**o.json(), "v": req.target_version.version} for o in req.objects])

    @handlers.convert_queries
    async def convert_queries(req: Any, ctx: Ctx) -> list[dict[str, Any]]:
        return [{"refId": q.ref_id, "expr": q.json["q"]} for q in req.queries]

    async def body(channel: grpc.aio.Channel) -> None:
        admission = pb_grpc.AdmissionControlStub(channel)
        kind = pb.GroupVersionKind(group="g", version="v1", kind="Thing")
        ok = await admission.ValidateAdmission(pb.AdmissionRequest(pluginContext=PLUGIN_CTX, kind=kind))
        assert ok.allowed and list(ok.warnings) == ["Thing ok"]
        denied = await admission.ValidateAdmission(pb.AdmissionRequest(operation=pb.AdmissionRequest.DELETE))
        assert not denied.allowed
        assert (denied.result.status, denied.result.message, denied.result.code) == (
            "Failure",
            "Deleting is not allowed.",
            403,
        )
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await admission.MutateAdmission(pb.AdmissionRequest())
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert info.value.details() == "The plugin has no mutate_admission handler."

        conversion = pb_grpc.ResourceConversionStub(channel)
        generic = await conversion.ConvertObjects(
            pb.ConversionRequest(
                uid="u1",
                objects=[pb.RawObject(raw=b'{"kind":"Thing"}', content_type="application/vnd.thing+json")],
                target_version=pb.GroupVersion(group="g", version="v2"),
            )
        )
        # not `application/json`, so not a query request: the generic handler ran
        assert generic.uid == "u1"
        assert [json.loads(o.raw) for o in generic.objects] == [{"kind": "Thing", "v": "v2"}]
        queries = await conversion.ConvertObjects(
            pb.ConversionRequest(
                uid="u2",
                objects=[
                    pb.RawObject(
                        raw=b'{"queries":[{"refId":"A","json":{"q":"up"}}]}', content_type="application/json"
                    )
                ],
            )
        )
        assert [(json.loads(o.raw), o.content_type) for o in queries.objects] == [
            ({"refId": "A", "expr": "up"}, "application/json")
        ]

    serve(lambda server: add_admission_servicers(server, handlers, make_context), body)


def test_admission_handler_errors_are_unknown() -> None:
    handlers = AdmissionHandlers()

    @handlers.mutate_admission
    def mutate(req: Any, ctx: Ctx) -> MutationResult:
        raise KeyError("password=hunter2")

    async def body(channel: grpc.aio.Channel) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await pb_grpc.AdmissionControlStub(channel).MutateAdmission(pb.AdmissionRequest())
        assert info.value.code() == grpc.StatusCode.UNKNOWN
        assert info.value.details() == "The mutate_admission handler raised `KeyError`."
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await pb_grpc.ResourceConversionStub(channel).ConvertObjects(pb.ConversionRequest())
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED

    serve(lambda server: add_admission_servicers(server, handlers, make_context), body)
