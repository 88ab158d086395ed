"""Stream routing, subscribe/publish defaults, RunStream packets and cancellation (no gRPC involved)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from gpctl.sdk._stream import (
    PacketEncoder,
    PublishResult,
    PublishStreamRequest,
    RunStreamRequest,
    StreamRouter,
    SubscribeResult,
    SubscribeStreamRequest,
)
from gpctl.sdk.data import Field, Frame


@dataclass
class DsSettings:
    uid: str = "u1"


@dataclass
class Ctx:
    datasource_settings: DsSettings | None = field(default_factory=DsSettings)
    plugin_id: str = "myorg-app"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def collect(agen: AsyncIterator[bytes], limit: int = 100) -> list[Any]:
    out = []
    async for packet in agen:
        out.append(json.loads(packet))
        if len(out) >= limit:
            break
    return out


def test_patterns_route_with_path_params() -> None:
    router = StreamRouter()
    one = router.route("live/{city}")(lambda req, ctx: iter(()))
    rest = router.route("logs/{rest:path}")(lambda req, ctx: iter(()))
    assert router.resolve("live/oslo") == (one, {"city": "oslo"})
    assert router.resolve("live/oslo/x") is None
    assert router.resolve("logs/a/b=c.d") == (rest, {"rest": "a/b=c.d"})
    assert router.resolve("other") is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("/live", "Stream pattern `/live` must be a relative channel path such as `live/{name}`."),
        (
            "live/{a}/{a}",
            "Stream pattern `live/{a}/{a}` uses the parameter `a` twice.",
        ),
        (
            "live now",
            "Stream pattern `live now` has characters Grafana does not allow in channel paths; "
            "use letters, digits and `_-/=.`.",
        ),
    ],
)
def test_bad_patterns_fail_at_registration(pattern: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        StreamRouter().route(pattern)
    assert str(info.value) == message


def test_duplicate_pattern_is_rejected() -> None:
    router = StreamRouter()
    router.route("live")(lambda req, ctx: iter(()))
    with pytest.raises(ValueError) as info:
        router.route("live")
    assert str(info.value) == "A stream handler for `live` is already registered."


def test_subscribe_defaults_to_ok_and_publish_to_permission_denied() -> None:
    router = StreamRouter()
    router.route("live/{city}")(lambda req, ctx: iter(()))
    assert run(router.subscribe_stream("live/oslo", b"", {}, Ctx())) == SubscribeResult("ok")
    assert run(router.publish_stream("live/oslo", b"{}", {}, Ctx())) == PublishResult("permission_denied")
    assert run(router.subscribe_stream("nope", b"", {}, Ctx())) == SubscribeResult("not_found")
    assert run(router.publish_stream("nope", b"", {}, Ctx())) == PublishResult("not_found")


def test_subscribe_and_publish_handlers_get_params_and_channel() -> None:
    router = StreamRouter()
    route = router.route("live/{city}")(lambda req, ctx: iter(()))
    seen: list[Any] = []

    @route.subscribe
    async def subscribe(req: SubscribeStreamRequest, ctx: Ctx) -> SubscribeResult:
        seen.append(req)
        if req.path_params["city"] == "atlantis":
            return SubscribeResult.not_found()
        return SubscribeResult.ok(initial=Frame("init", Field("v", [1.0])))

    @route.publish
    def publish(req: PublishStreamRequest, ctx: Ctx) -> PublishResult:
        return PublishResult.ok({"echo": req.json()})

    ok = run(router.subscribe_stream("live/oslo", b'{"q":1}', {"h": "v"}, Ctx()))
    assert ok.status == "ok"
    assert json.loads(ok.data) == {
        "schema": {
            "name": "init",
            "fields": [{"name": "v", "type": "number", "typeInfo": {"frame": "float64"}}],
        },
        "data": {"values": [[1.0]]},
    }
    assert run(router.subscribe_stream("live/atlantis", b"", {}, Ctx())).status == "not_found"
    assert seen[0] == SubscribeStreamRequest(
        "live/oslo", {"city": "oslo"}, b'{"q":1}', {"h": "v"}, "ds/u1/live/oslo"
    )
    published = run(router.publish_stream("live/oslo", b"[1,2]", {}, Ctx()))
    assert published == PublishResult("ok", b'{"echo":[1,2]}')


def test_app_channel_is_plugin_scoped() -> None:
    router = StreamRouter()
    seen: list[RunStreamRequest] = []

    @router.route("ticks")
    async def ticks(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[dict[str, int]]:
        seen.append(req)
        yield {"n": 1}

    packets = run(collect(router.run_stream("ticks", b"", {}, Ctx(datasource_settings=None))))
    assert packets == [{"n": 1}]
    assert seen[0].channel == "plugin/myorg-app/ticks"


def test_bad_handler_results_are_explained() -> None:
    router = StreamRouter()
    route = router.route("x")(lambda req, ctx: iter(()))
    route.subscribe(lambda req, ctx: "yes")
    with pytest.raises(TypeError) as info:
        run(router.subscribe_stream("x", b"", {}, Ctx()))
    assert str(info.value) == (
        "The subscribe handler of stream `x` returned `str`; "
        "return SubscribeResult.ok(), .not_found() or .permission_denied()."
    )


def test_frames_carry_schema_first_then_data_only_until_schema_changes() -> None:
    router = StreamRouter()

    @router.route("live")
    async def live(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[Any]:
        yield Frame("f", Field("a", [1.0]))
        yield Frame("f", Field("a", [2.0]))
        yield Frame("g", Field("a", [9.0]))
        yield Frame("f", Field("a", [3.0]), Field("b", [4.0]))
        yield Frame("g", Field("a", [10.0]))
        yield {"plain": True}
        yield b'{"raw":1}'

    packets = run(collect(router.run_stream("live", b"", {}, Ctx())))
    kinds = [sorted(p) for p in packets]
    both, data = ["data", "schema"], ["data"]
    assert kinds == [both, data, both, both, data, ["plain"], ["raw"]]
    assert packets[1] == {"data": {"values": [[2.0]]}}
    assert packets[4] == {"data": {"values": [[10.0]]}}


def test_invalid_bytes_and_unencodable_items_are_errors() -> None:
    enc = PacketEncoder("live")
    with pytest.raises(ValueError) as info:
        enc.encode(b"not json")
    assert str(info.value) == (
        "Stream `live` yielded bytes that are not valid JSON; Grafana would drop the packet and restart the stream."
    )
    with pytest.raises(ValueError) as info:
        enc.encode(object())
    assert str(info.value).startswith("Stream `live` yielded `object`, which is not a Frame or JSON-able: ")
    assert enc.encode("text") == b'"text"'


def test_cancellation_closes_async_generator_promptly() -> None:
    router = StreamRouter()
    events: list[str] = []

    @router.route("live")
    async def live(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[dict[str, int]]:
        n = 0
        try:
            while True:
                n += 1
                yield {"n": n}
                await asyncio.sleep(10)
        finally:
            events.append("closed")

    async def main() -> float:
        async def consume() -> None:
            async for _ in router.run_stream("live", b"", {}, Ctx()):
                events.append("packet")

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.perf_counter() - start

    elapsed = run(main())
    assert events == ["packet", "closed"]
    assert elapsed < 0.5


def test_sync_generator_runs_in_a_thread_and_is_closed_on_cancel() -> None:
    router = StreamRouter()
    events: list[str] = []
    main_thread = threading.get_ident()

    @router.route("sync")
    def sync(req: RunStreamRequest, ctx: Ctx) -> Iterator[dict[str, bool]]:
        try:
            while True:
                yield {"worker": threading.get_ident() != main_thread}
                time.sleep(0.01)
        finally:
            events.append("closed")

    async def main() -> list[Any]:
        packets: list[Any] = []

        async def consume() -> None:
            async for packet in router.run_stream("sync", b"", {}, Ctx()):
                packets.append(json.loads(packet))

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.05)
        return packets

    packets = run(main())
    assert packets and all(p == {"worker": True} for p in packets)
    assert events == ["closed"]


def test_return_ends_and_raise_propagates() -> None:
    router = StreamRouter()

    @router.route("finite")
    async def finite(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[int]:
        yield 1
        yield 2

    @router.route("broken")
    async def broken(req: RunStreamRequest, ctx: Ctx) -> AsyncIterator[int]:
        yield 1
        raise ConnectionError("downstream went away")

    assert run(collect(router.run_stream("finite", b"", {}, Ctx()))) == [1, 2]
    with pytest.raises(ConnectionError):
        run(collect(router.run_stream("broken", b"", {}, Ctx())))
    with pytest.raises(LookupError) as info:
        run(collect(router.run_stream("missing", b"", {}, Ctx())))
    assert str(info.value) == "No stream handler matches the channel path `missing`."


def test_schema_is_resent_when_labels_config_or_meta_change() -> None:
    from gpctl.sdk.data import FieldConfig, FrameMeta

    enc = PacketEncoder("live")

    def kinds(*frames: Frame) -> list[list[str]]:
        return [sorted(json.loads(enc.encode(f))) for f in frames]

    plain = Frame("f", Field("v", [1.0], labels={"host": "a"}))
    relabelled = Frame("f", Field("v", [2.0], labels={"host": "b"}))
    with_unit = Frame("f", Field("v", [3.0], labels={"host": "b"}, config=FieldConfig(unit="celsius")))
    other_unit = Frame("f", Field("v", [4.0], labels={"host": "b"}, config=FieldConfig(unit="kelvin")))
    with_meta = Frame("f", Field("v", [5.0], labels={"host": "b"}), meta=FrameMeta(executed_query_string="q"))
    both, data = ["data", "schema"], ["data"]
    assert kinds(plain, plain, relabelled, relabelled) == [both, data, both, data]
    assert kinds(with_unit, with_unit, other_unit) == [both, data, both]
    assert kinds(with_meta, with_meta, relabelled) == [both, data, both]
