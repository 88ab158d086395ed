"""Streams, chunked queries, admission and instances through the real SDK stack (`PluginClient`)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gpctl.sdk import (
    App,
    DataQuery,
    Datasource,
    Field,
    Frame,
    PluginContext,
    RunStreamRequest,
    SubscribeResult,
)
from gpctl.sdk._admission import ConversionResult, MutationResult, ValidationResult
from gpctl.sdk._protocol._admission_servicer import RpcFailed
from gpctl.sdk.errors import ConfigurationError, QueryError
from gpctl.sdk.testing import PluginClient

closed = threading.Event()
ds = Datasource("gpctl-extras-datasource")


@ds.stream("live/{city}")
async def live(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[Frame]:
    n = 0
    try:
        while True:
            n += 1
            yield Frame(req.path_params["city"], Field("n", [float(n)]))
            await asyncio.sleep(0.005)
    finally:
        closed.set()


@live.subscribe
def subscribe(req: Any, ctx: PluginContext) -> SubscribeResult:
    return (
        SubscribeResult.ok({"channel": req.channel})
        if req.path_params["city"] != "x"
        else SubscribeResult.not_found()
    )


@ds.stream("broken")
async def broken(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[dict[str, int]]:
    yield {"n": 1}
    raise ConnectionError("lost")


@ds.query("big")
def big(query: DataQuery, ctx: PluginContext) -> list[Frame]:
    rows = 300_000
    return [Frame("big", Field("v", [float(i) for i in range(rows)])), Frame("small", Field("n", [1]))]


@ds.query("bad")
def bad(query: DataQuery, ctx: PluginContext) -> Frame:
    raise QueryError("Unknown metric `x`.", status=400)


@ds.validate_admission
def validate(req: Any, ctx: PluginContext) -> ValidationResult:
    return ValidationResult.allow() if req.object().get("ok") else ValidationResult.deny("Not ok.")


@ds.mutate_admission
async def mutate(req: Any, ctx: PluginContext) -> MutationResult:
    return MutationResult.allow({**req.object(), "mutated": True})


@ds.convert_objects
def convert(req: Any, ctx: PluginContext) -> ConversionResult:
    return ConversionResult.ok([{**o.json(), "version": req.target_version.version} for o in req.objects])


def test_streams() -> None:
    closed.clear()
    with PluginClient(ds, uid="ds-uid") as client:
        assert client.subscribe_stream("live/oslo").status == "ok"
        assert client.subscribe_stream("live/oslo").data == b'{"channel":"ds/ds-uid/live/oslo"}'
        assert client.subscribe_stream("live/x").status == "not_found"
        assert client.publish_stream("live/oslo", {"a": 1}).status == "permission_denied"
        run = client.run_stream("live/oslo", max_packets=3)
        assert run.status == "cancelled"
        assert run.packets[0]["schema"]["name"] == "oslo"
        assert run.packets[2] == {"data": {"values": [[3.0]]}}
        assert closed.wait(5)  # the host's cancel closed the generator
        failed = client.run_stream("broken")
        assert (failed.packets, failed.status, failed.error) == (
            [{"n": 1}],
            "unknown",
            "The run handler of stream `broken` raised `ConnectionError`.",
        )


def test_app_streams_use_the_plugin_scope() -> None:
    app = App("gpctl-extras-app")

    @app.stream("ticks")
    async def ticks(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[dict[str, str]]:
        yield {"channel": req.channel}

    with PluginClient(app) as client:
        assert client.run_stream("ticks").packets == [{"channel": "plugin/gpctl-extras-app/ticks"}]


def test_chunked_queries() -> None:
    with PluginClient(ds) as client:
        chunks = client.query_chunked("big")
        ids = [c.frame_id for c in chunks]
        assert ids[-1] == "A/1" and set(ids[:-1]) == {"A/0"} and len(ids) >= 3
        values = [v for c in chunks[:-1] for v in c.frame.field("v").values]  # type: ignore[union-attr]
        assert len(values) == 300_000 and values[-1] == 299_999.0
        error = client.query_chunked("bad", ref_id="B")
        assert [(c.ref_id, c.status, c.error, c.frame) for c in error] == [
            ("B", 400, "Unknown metric `x`.", None)
        ]


def test_chunked_unimplemented_without_query_handlers() -> None:
    app = App("gpctl-extras-app")
    with PluginClient(app) as client, pytest.raises(RpcFailed) as info:
        client.query_chunked("x")
    assert info.value.code == "unimplemented"


def test_admission_and_conversion() -> None:
    with PluginClient(ds) as client:
        assert client.validate_admission({"ok": True}).allowed
        denied = client.validate_admission({"ok": False}, operation="UPDATE", kind=("g", "v1", "K"))
        assert not denied.allowed and denied.result is not None and denied.result.message == "Not ok."
        mutated = client.mutate_admission({"a": 1})
        assert mutated.allowed and mutated.object_bytes == b'{"a":1,"mutated":true}'
        converted = client.convert_objects([{"a": 1}], target_version=("g", "v2"), uid="u")
        assert [o.json() for o in converted.objects] == [{"a": 1, "version": "v2"}]


def test_bad_stream_pattern_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        ds.stream("live/{city}")
    assert str(info.value) == "A stream handler for `live/{city}` is already registered."


def test_logger_params_and_tenant_from_grpc_metadata_reach_handler_logs() -> None:
    import logging

    import grpc

    from gpctl.sdk._protocol._client import ProtocolClient
    from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
    from gpctl.sdk._protocol.pluginv2 import backend_pb2_grpc as pb_grpc
    from gpctl.sdk._tracing import RequestFieldsFilter

    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logged = Datasource("gpctl-logging-datasource")
    log = logging.getLogger("gpctl.extras.logged")

    @logged.query()
    def query(query: DataQuery, ctx: PluginContext) -> Frame:
        log.warning("Handling the query.")  # a sync handler: runs in a worker thread
        return Frame("x", Field("n", [1]))

    handler = Capture()
    handler.addFilter(RequestFieldsFilter())
    log.addHandler(handler)
    try:
        with PluginClient(logged) as client:
            ctx = ProtocolClient.context(client.settings)
            request = pb.QueryDataRequest(pluginContext=ctx, queries=[pb.DataQuery(refId="A")])
            metadata = (
                ("tenantid", "stack-7"),
                ("loggerparamsctxmetadata", "dashboardUID:::d1"),
                ("loggerparamsctxmetadata", "panelID:::4"),
            )
            with grpc.insecure_channel(client.address) as channel:
                answer = pb_grpc.DataStub(channel).QueryData(request, metadata=metadata, timeout=10)
            assert answer.responses["A"].status == 200
    finally:
        log.removeHandler(handler)
    [record] = records
    assert (record.dashboardUID, record.panelID, record.tenantID) == ("d1", "4", "stack-7")  # type: ignore[attr-defined]


def test_instance_lifecycle_through_grpc() -> None:
    from concurrent.futures import ThreadPoolExecutor

    events: list[str] = []

    class Conn:
        def __init__(self, settings: Any) -> None:
            time.sleep(0.05)
            self.version = settings.last_updated_ms
            events.append(f"open {self.version}")

        def close(self) -> None:
            events.append(f"close {self.version}")

    pooled = Datasource("gpctl-pooled-datasource", instance=Conn)

    @pooled.query()
    async def version(query: DataQuery, ctx: PluginContext) -> Frame:
        await asyncio.sleep(0.01)
        return Frame("v", Field("version", [ctx.instance.version]))

    with PluginClient(pooled) as client:
        client.settings["updated_ms"] = 1
        with ThreadPoolExecutor(50) as pool:
            versions = list(
                pool.map(lambda _: client.query()["A"].frames[0].field("version").values, range(50))
            )
        assert versions == [[1]] * 50
        assert events == ["open 1"]
        assert "plugins_active_instances" in client.collect_metrics()
        client.settings["updated_ms"] = 2
        assert client.query()["A"].frames[0].field("version").values == [2]
        for _ in range(100):
            if "close 1" in events:
                break
            time.sleep(0.01)
        assert events == ["open 1", "open 2", "close 1"]
    assert events == ["open 1", "open 2", "close 1", "close 2"]


leaky = Datasource("gpctl-leaky-datasource")


@leaky.stream("leak")
async def leak_run(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[Any]:
    raise ConnectionError(f"cannot log in with {ctx.datasource_settings.secure_json_data['token']}")
    yield {}


@leaky.validate_admission
def leak_validate(req: Any, ctx: PluginContext) -> ValidationResult:
    raise PermissionError(f"token {ctx.datasource_settings.secure_json_data['token']} refused")


def test_stream_and_admission_failures_log_tracebacks_with_secrets_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    with PluginClient(leaky, secure_json_data={"token": "hunter2-secret"}) as client:
        failed = client.run_stream("leak")
        with pytest.raises(RpcFailed) as info:
            client.validate_admission({"a": 1})
    assert (failed.status, failed.error) == (
        "unknown",
        "The run handler of stream `leak` raised `ConnectionError`.",
    )
    assert (info.value.code, info.value.details) == (
        "unknown",
        "The validate_admission handler raised `PermissionError`.",
    )
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["The run handler of stream `leak` failed.", "The validate_admission handler failed."]
    errors = [r.error for r in caplog.records]  # type: ignore[attr-defined]
    assert "ConnectionError: cannot log in with ***" in errors[0]
    assert "PermissionError: token *** refused" in errors[1]
    assert "hunter2-secret" not in caplog.text + str([vars(r) for r in caplog.records])
