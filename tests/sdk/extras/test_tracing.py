"""Request metadata parsing, the request logger, and the tracer's off switch."""

from __future__ import annotations

import logging
import time

import pytest

from gpctl.sdk._tracing import RequestFieldsFilter, RequestLogger, RequestMetadata, Tracer, bind_request

PAIRS = [
    ("tenantid", "stack-42"),
    ("loggerparamsctxmetadata", "dashboardUID:::abc"),
    ("loggerparamsctxmetadata", "panelID:::7"),
    ("loggerparamsctxmetadata", "malformed"),
    ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    ("user-agent", "grpc-go/1.83.0"),
]


def test_metadata_from_grpc_pairs() -> None:
    md = RequestMetadata.from_pairs(PAIRS)
    assert md.tenant_id == "stack-42"
    assert md.logger_params == {"dashboardUID": "abc", "panelID": "7"}
    assert md.as_dict() == {"tenantid": "stack-42"}
    assert md.carrier() == {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    assert RequestMetadata.from_pairs(None) == RequestMetadata()


def test_request_logger_adds_params(caplog: pytest.LogCaptureFixture) -> None:
    log = RequestLogger(
        logging.getLogger("plugin.test"), RequestMetadata.from_pairs(PAIRS), endpoint="queryData"
    )
    with caplog.at_level(logging.INFO, "plugin.test"):
        log.info("Query done.", extra={"rows": 3})
    record = caplog.records[0]
    assert record.getMessage() == "Query done."
    assert (record.dashboardUID, record.panelID, record.tenantID, record.endpoint, record.rows) == (  # type: ignore[attr-defined]
        "abc",
        "7",
        "stack-42",
        "queryData",
        3,
    )


def test_tracer_is_off_without_address() -> None:
    tracer = Tracer.from_env("myorg-test-datasource", {})
    assert not tracer.enabled
    with tracer.span("queryData", RequestMetadata()) as span:
        assert span is None


def test_tracer_without_otel_packages_warns_and_stays_off(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.grpc.trace_exporter", None)
    tracer = Tracer.from_env("p", {"GF_INSTANCE_OTLP_ADDRESS": "127.0.0.1:4317"})
    assert not tracer.enabled
    assert [r.getMessage() for r in caplog.records] == [
        "Grafana asked for tracing (`GF_INSTANCE_OTLP_ADDRESS` is set) but OpenTelemetry is not installed; "
        "install `gpctl[otel]` to export spans."
    ]


def test_bound_request_fields_reach_records_of_that_request_only() -> None:
    import asyncio

    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Capture()
    handler.addFilter(RequestFieldsFilter())
    log = logging.getLogger("plugin.bound")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    async def request(pairs: list[tuple[str, str]], name: str) -> None:
        bind_request(RequestMetadata.from_pairs(pairs))
        await asyncio.sleep(0.01)
        await asyncio.to_thread(log.info, name)  # a sync handler in a worker thread

    async def main() -> None:
        await asyncio.gather(
            asyncio.create_task(request([("loggerparamsctxmetadata", "panelID:::1")], "one")),
            asyncio.create_task(request([("tenantid", "t2")], "two")),
        )

    try:
        asyncio.run(main())
        log.info("outside")
    finally:
        log.removeHandler(handler)
    fields = {r.getMessage(): {k: getattr(r, k, None) for k in ("panelID", "tenantID")} for r in records}
    assert fields == {
        "one": {"panelID": "1", "tenantID": None},
        "two": {"panelID": None, "tenantID": "t2"},
        "outside": {"panelID": None, "tenantID": None},
    }


class FakeSpans:
    """Stands in for an OpenTelemetry tracer + propagator: records (name, parent carrier, ended)."""

    def __init__(self) -> None:
        self.spans: list[dict[str, object]] = []

    def extract(self, carrier: dict[str, str]) -> dict[str, str]:
        return carrier

    def start_as_current_span(self, name: str, context: object = None, attributes: object = None) -> object:
        import contextlib

        span: dict[str, object] = {"name": name, "parent": context, "ended": False}
        self.spans.append(span)

        @contextlib.contextmanager
        def scope() -> object:
            try:
                yield span
            finally:
                span["ended"] = True

        return scope()


def test_every_pluginv2_call_runs_in_a_span(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    from collections.abc import AsyncIterator

    import grpc

    from gpctl.sdk import Datasource, Field, Frame
    from gpctl.sdk._protocol import _tracing_interceptor
    from gpctl.sdk._protocol._client import ProtocolClient
    from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
    from gpctl.sdk._protocol.pluginv2 import backend_pb2_grpc as pb_grpc
    from gpctl.sdk.testing import PluginClient

    fake = FakeSpans()
    monkeypatch.setenv("GF_INSTANCE_OTLP_ADDRESS", "127.0.0.1:4317")  # the server looks for tracing only then
    monkeypatch.setattr(
        _tracing_interceptor.Tracer, "from_env", classmethod(lambda cls, plugin_id: Tracer(fake, fake))
    )
    ds = Datasource("gpctl-traced-datasource")

    @ds.query()
    def query(query: object, ctx: object) -> Frame:
        return Frame("x", Field("n", [1]))

    @ds.stream("live")
    async def live(req: object, ctx: object) -> AsyncIterator[dict[str, int]]:
        while True:
            yield {"n": 1}
            await asyncio.sleep(0.01)

    with PluginClient(ds) as client:
        ctx = ProtocolClient.context(client.settings)
        parent = (("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),)
        with grpc.insecure_channel(client.address) as channel:
            request = pb.QueryDataRequest(pluginContext=ctx, queries=[pb.DataQuery(refId="A")])
            pb_grpc.DataStub(channel).QueryData(request, metadata=parent, timeout=10)
        assert client.run_stream("live", max_packets=2).status == "cancelled"
        client.check_health()
        for _ in range(100):
            if all(s["ended"] for s in fake.spans) and len(fake.spans) == 3:
                break
            time.sleep(0.01)
    names = [s["name"] for s in fake.spans]
    assert names == [
        "pluginv2.Data/QueryData",
        "pluginv2.Stream/RunStream",
        "pluginv2.Diagnostics/CheckHealth",
    ]
    assert fake.spans[0]["parent"] == {"traceparent": parent[0][1]}
    assert all(s["ended"] for s in fake.spans)  # the cancelled stream's span ended too


def test_spans_reach_a_real_otlp_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """GF_INSTANCE_OTLP_ADDRESS set: spans go over OTLP/gRPC to a collector, children of Grafana's traceparent."""
    from concurrent import futures

    import grpc

    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

    from gpctl.sdk import Datasource, Field, Frame
    from gpctl.sdk._protocol._client import ProtocolClient
    from gpctl.sdk._protocol.pluginv2 import backend_pb2 as pb
    from gpctl.sdk._protocol.pluginv2 import backend_pb2_grpc as pb_grpc
    from gpctl.sdk.testing import PluginClient

    received: list[trace_service_pb2.ExportTraceServiceRequest] = []

    class Collector(trace_service_pb2_grpc.TraceServiceServicer):  # type: ignore[misc]
        def Export(self, request: object, context: object) -> object:
            received.append(request)  # type: ignore[arg-type]
            return trace_service_pb2.ExportTraceServiceResponse()

    collector = grpc.server(futures.ThreadPoolExecutor(2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Collector(), collector)
    port = collector.add_insecure_port("127.0.0.1:0")
    collector.start()
    monkeypatch.setenv("GF_INSTANCE_OTLP_ADDRESS", f"127.0.0.1:{port}")
    ds = Datasource("gpctl-otlp-datasource")

    @ds.query()
    def query(query: object, ctx: object) -> Frame:
        from opentelemetry import trace

        with trace.get_tracer("plugin").start_as_current_span("downstream call"):
            return Frame("x", Field("n", [1]))

    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    try:
        with PluginClient(ds) as client:
            ctx = ProtocolClient.context(client.settings)
            with grpc.insecure_channel(client.address) as channel:
                pb_grpc.DataStub(channel).QueryData(
                    pb.QueryDataRequest(pluginContext=ctx, queries=[pb.DataQuery(refId="A")]),
                    metadata=(("traceparent", f"00-{trace_id}-{parent_id}-01"),),
                    timeout=10,
                )
        # closing the client stopped the server, which flushed the spans
    finally:
        collector.stop(None)
    spans = [
        (rs, span)
        for request in received
        for rs in request.resource_spans
        for ss in rs.scope_spans
        for span in ss.spans
    ]
    [(resource_spans, span)] = [(rs, s) for rs, s in spans if s.name == "pluginv2.Data/QueryData"]
    assert span.trace_id.hex() == trace_id and span.parent_span_id.hex() == parent_id
    [(_, child)] = [(rs, s) for rs, s in spans if s.name == "downstream call"]  # the handler's own span
    assert child.trace_id == span.trace_id and child.parent_span_id == span.span_id
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    assert service == "gpctl-otlp-datasource"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
            (0x4BF92F3577B34DA6A3CE929D0E0E4736, 0xF067AA0BA902B7, 1),
        ),
        ("a3ce929d0e0e4736:f067aa0ba902b7:0:0", (0xA3CE929D0E0E4736, 0xF067AA0BA902B7, 0)),
        ("a3ce929d0e0e4736%3Af067aa0ba902b7%3A0%3A1", (0xA3CE929D0E0E4736, 0xF067AA0BA902B7, 1)),
        ("a3ce929d0e0e4736:f067aa0ba902b7:1", None),
        ("0:f067aa0ba902b7:0:1", None),
        ("xyz:f067aa0ba902b7:0:1", None),
        ("", None),
    ],
)
def test_uber_trace_id_parsing(header: str, expected: tuple[int, int, int] | None) -> None:
    from gpctl.sdk._tracing import parse_uber_trace_id

    assert parse_uber_trace_id(header) == expected


@pytest.mark.parametrize(
    ("propagation", "header", "parented"),
    [
        ("jaeger", "uber-trace-id", True),
        ("w3c,jaeger", "uber-trace-id", True),
        ("w3c,jaeger", "traceparent", True),
        ("", "uber-trace-id", False),
        ("jaeger", "traceparent", False),
    ],
)
def test_propagation_follows_grafanas_setting(propagation: str, header: str, parented: bool) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    env = {"GF_INSTANCE_OTLP_ADDRESS": "127.0.0.1:9", "GF_INSTANCE_OTLP_PROPAGATION": propagation}
    configured = Tracer.from_env("p", env)
    # The propagators Grafana's setting chose, with spans kept in memory instead of exported.
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = Tracer(provider.get_tracer("test"), configured._propagator, provider)
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    value = f"00-{trace_id}-{parent_id}-01" if header == "traceparent" else f"{trace_id}:{parent_id}:0:1"
    with tracer.span("pluginv2.Data/QueryData", RequestMetadata.from_pairs([(header, value)])):
        pass
    [span] = exporter.get_finished_spans()
    assert (span.parent is not None) == parented
    if parented:
        assert (f"{span.context.trace_id:032x}", f"{span.parent.span_id:016x}") == (trace_id, parent_id)  # type: ignore[union-attr]
        assert span.parent.is_remote  # type: ignore[union-attr]


def test_jaeger_propagator_injects_the_current_span() -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    from gpctl.sdk._tracing import JaegerPropagator

    span = NonRecordingSpan(SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=TraceFlags(1)))
    carrier: dict[str, str] = {}
    JaegerPropagator().inject(carrier, trace.set_span_in_context(span))
    assert carrier == {"uber-trace-id": "00000000000000000000000000000abc:0000000000000def:0:1"}
