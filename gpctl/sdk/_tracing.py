"""Request metadata from Grafana (tenant, logger parameters, trace context) and optional OpenTelemetry tracing.

Grafana may send these gRPC metadata keys with a request (protocol.md §3.3):

- `tenantid`: the tenant in a multi-tenant Grafana; part of the instance key;
- `loggerparamsctxmetadata` (may repeat): `key:::value` pairs that belong on every log line of the request;
- `traceparent` (W3C) or `uber-trace-id` (Jaeger): the parent span.

Tracing is on only when Grafana passes `GF_INSTANCE_OTLP_ADDRESS` to the plugin **and** the OpenTelemetry packages
are installed (`pip install gpctl[otel]`); otherwise `Tracer.span()` costs nothing. Spans are exported over
OTLP/gRPC (insecure) under the plugin id as service name, sampled per `GF_INSTANCE_OTLP_SAMPLER_TYPE`
(`const`, `probabilistic`; others sample everything) and `..._SAMPLER_PARAM`. `GF_INSTANCE_OTLP_PROPAGATION` picks
how the parent span arrives, as in the Go SDK: `w3c`, `jaeger`, both (`w3c,jaeger`), or empty for W3C trace
context plus baggage.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from gpctl.sdk._logging import REQUEST_FIELDS as _FIELDS
from gpctl.sdk._logging import RequestFieldsFilter

__all__ = [
    "JaegerPropagator",
    "RequestFieldsFilter",
    "RequestLogger",
    "RequestMetadata",
    "Tracer",
    "bind_request",
    "parse_uber_trace_id",
]

logger = logging.getLogger(__name__)

OTLP_ADDRESS = "GF_INSTANCE_OTLP_ADDRESS"
SAMPLER_TYPE = "GF_INSTANCE_OTLP_SAMPLER_TYPE"
SAMPLER_PARAM = "GF_INSTANCE_OTLP_SAMPLER_PARAM"
PROPAGATION = "GF_INSTANCE_OTLP_PROPAGATION"
UBER_TRACE_ID = "uber-trace-id"
PROPAGATION = "GF_INSTANCE_OTLP_PROPAGATION"


@dataclass(frozen=True)
class RequestMetadata:
    """What Grafana said about a request in its gRPC metadata."""

    tenant_id: str = ""
    logger_params: Mapping[str, str] = field(default_factory=dict)
    traceparent: str = ""
    tracestate: str = ""
    uber_trace_id: str = ""

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str | bytes]] | None) -> RequestMetadata:
        """Build from gRPC invocation metadata (`context.invocation_metadata()`)."""
        tenant = traceparent = tracestate = uber = ""
        params: dict[str, str] = {}
        for key, raw in pairs or ():
            value = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
            key = key.lower()
            if key == "tenantid":
                tenant = value
            elif key == "loggerparamsctxmetadata":
                name, sep, val = value.partition(":::")
                if sep and name:
                    params[name] = val
            elif key == "traceparent":
                traceparent = value
            elif key == "tracestate":
                tracestate = value
            elif key == "uber-trace-id":
                uber = value
        return cls(tenant, params, traceparent, tracestate, uber)

    def log_fields(self) -> dict[str, str]:
        """The extra fields of the request's log lines: its logger parameters and `tenantID`."""
        fields = dict(self.logger_params)
        if self.tenant_id:
            fields["tenantID"] = self.tenant_id
        return fields

    def as_dict(self) -> dict[str, str]:
        """The keys `InstanceManager.get()` reads (`tenantid`)."""
        return {"tenantid": self.tenant_id} if self.tenant_id else {}

    def carrier(self) -> dict[str, str]:
        """Trace-context headers for an OpenTelemetry propagator."""
        out = {
            "traceparent": self.traceparent,
            "tracestate": self.tracestate,
            "uber-trace-id": self.uber_trace_id,
        }
        return {k: v for k, v in out.items() if v}


def bind_request(metadata: RequestMetadata) -> None:
    """Attach the request's logger parameters (and tenant) to every log record of the current request.

    gRPC runs each call in its own asyncio task and `asyncio.to_thread` copies the context, so the fields stay
    with the request, including its sync handlers in worker threads.
    """
    fields = metadata.log_fields()
    if fields or _FIELDS.get():
        _FIELDS.set(fields)


class RequestLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger adapter adding the request's logger parameters (and tenant) to every record as extra keys."""

    def __init__(self, base: logging.Logger, metadata: RequestMetadata, **extra: Any) -> None:
        super().__init__(base, {**metadata.log_fields(), **extra})

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


class Tracer:
    """Spans for requests when tracing is configured; a no-op otherwise."""

    def __init__(self, tracer: Any = None, propagator: Any = None, provider: Any = None) -> None:
        self._tracer = tracer
        self._propagator = propagator
        self._provider = provider

    @property
    def enabled(self) -> bool:
        return self._tracer is not None

    @classmethod
    def from_env(cls, plugin_id: str, env: Mapping[str, str] | None = None) -> Tracer:
        """Configure OTLP export from Grafana's variables; disabled without the address or the packages."""
        env = os.environ if env is None else env
        address = env.get(OTLP_ADDRESS, "")
        if not address:
            return cls()
        try:
            from opentelemetry.baggage.propagation import W3CBaggagePropagator
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
            from opentelemetry.propagators.composite import CompositePropagator
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
            from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, TraceIdRatioBased
            from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
        except ImportError:
            logger.warning(
                "Grafana asked for tracing (`%s` is set) but OpenTelemetry is not installed; "
                "install `gpctl[otel]` to export spans.",
                OTLP_ADDRESS,
            )
            return cls()
        kind = env.get(SAMPLER_TYPE, "")
        try:
            param = float(env.get(SAMPLER_PARAM, "1") or 1)
        except ValueError:
            param = 1.0
        if kind == "const":
            root: Any = ALWAYS_ON if param >= 1 else ALWAYS_OFF
        elif kind == "probabilistic":
            root = TraceIdRatioBased(min(max(param, 0.0), 1.0))
        else:  # rateLimiting / remote need Jaeger's samplers: sample everything, the collector can drop
            root = ALWAYS_ON
        provider = TracerProvider(
            resource=Resource.create({"service.name": plugin_id}), sampler=ParentBased(root)
        )
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=address, insecure=True)))
        formats = {f.strip().lower() for f in env.get(PROPAGATION, "").split(",") if f.strip()}
        chosen: list[Any] = []
        if not formats or "w3c" in formats:
            chosen.append(TraceContextTextMapPropagator())
        if "jaeger" in formats:
            chosen.append(JaegerPropagator())
        if not formats:
            chosen.append(W3CBaggagePropagator())
        propagator = CompositePropagator(chosen)
        from opentelemetry import trace

        if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):  # not set by the plugin itself
            trace.set_tracer_provider(provider)  # so the plugin's own spans are exported as children
        return cls(provider.get_tracer("gpctl.sdk"), propagator, provider)

    @contextlib.contextmanager
    def span(self, name: str, metadata: RequestMetadata, **attributes: Any) -> Iterator[Any]:
        """Run the block inside a span whose parent is the trace context Grafana sent."""
        if self._tracer is None:
            yield None
            return
        parent = self._propagator.extract(metadata.carrier()) if self._propagator is not None else None
        with self._tracer.start_as_current_span(name, context=parent, attributes=attributes) as span:
            yield span

    def flush(self, timeout_s: float = 1.0) -> None:
        """Export the spans still buffered (the plugin is stopping)."""
        if self._provider is not None:
            self._provider.force_flush(int(timeout_s * 1000))


def parse_uber_trace_id(header: str) -> tuple[int, int, int] | None:
    """(trace id, span id, flags) from Jaeger's `{trace-id}:{span-id}:{parent-span-id}:{flags}`, or None.

    Ids are hex without leading zeros (trace ids of 64 or 128 bits); the value may be URL-encoded.
    """
    from urllib.parse import unquote

    parts = unquote(header.strip()).split(":")
    if len(parts) != 4:
        return None
    try:
        trace_id, span_id, flags = int(parts[0], 16), int(parts[1], 16), int(parts[3], 16)
    except ValueError:
        return None
    if not 0 < trace_id < 1 << 128 or not 0 < span_id < 1 << 64 or len(parts[0]) > 32 or len(parts[1]) > 16:
        return None
    return trace_id, span_id, flags


class JaegerPropagator:
    """OpenTelemetry text-map propagator for Jaeger's `uber-trace-id` header (sampled flag = bit 0)."""

    @property
    def fields(self) -> set[str]:
        return {UBER_TRACE_ID}

    def extract(self, carrier: Any, context: Any = None, getter: Any = None) -> Any:
        from opentelemetry import trace
        from opentelemetry.context import Context
        from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

        if getter is not None:
            values = getter.get(carrier, UBER_TRACE_ID) or []
        else:
            values = [carrier.get(UBER_TRACE_ID)] if carrier.get(UBER_TRACE_ID) else []
        parsed = parse_uber_trace_id(values[0]) if values else None
        if parsed is None:
            return context if context is not None else Context()
        trace_id, span_id, flags = parsed
        span_context = SpanContext(
            trace_id, span_id, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED if flags & 1 else 0)
        )
        return trace.set_span_in_context(NonRecordingSpan(span_context), context)

    def inject(self, carrier: Any, context: Any = None, setter: Any = None) -> None:
        from opentelemetry import trace

        span_context = trace.get_current_span(context).get_span_context()
        if not span_context.is_valid:
            return
        value = f"{span_context.trace_id:032x}:{span_context.span_id:016x}:0:{int(span_context.trace_flags) & 1:x}"
        if setter is not None:
            setter.set(carrier, UBER_TRACE_ID, value)
        else:
            carrier[UBER_TRACE_ID] = value
