"""`pluginv2.AdmissionControl` and `pluginv2.ResourceConversion` servicers on top of `AdmissionHandlers`.

A capability without a handler answers `UNIMPLEMENTED` (Grafana maps it to 501). A handler exception is logged
with its traceback and answered with `UNKNOWN` and a sentence naming the handler and the exception type.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NoReturn

from gpctl.sdk._admission import (
    OPERATIONS,
    AdmissionHandlers,
    AdmissionRequest,
    ConversionRequest,
    ConversionResult,
    GroupVersion,
    GroupVersionKind,
    MutationResult,
    RawObject,
    StatusResult,
    ValidationResult,
)

from ._stream_servicer import ContextFactory
from ._wire import Server, ServicerContext, StatusCode, add_service
from .pluginv2 import backend_pb2 as pb

if TYPE_CHECKING:
    import grpc

__all__ = [
    "AdmissionServicer",
    "ConversionServicer",
    "RpcFailed",
    "add_admission_servicers",
    "convert",
    "mutate",
    "validate",
]

_SERVICES = pb.DESCRIPTOR.services_by_name


def _status(result: StatusResult | None) -> pb.StatusResult | None:
    if result is None:
        return None
    return pb.StatusResult(
        status=result.status, message=result.message, reason=result.reason, code=result.code
    )


def _admission_request(request: pb.AdmissionRequest) -> AdmissionRequest:
    kind = request.kind
    return AdmissionRequest(
        operation=OPERATIONS[request.operation] if request.operation < len(OPERATIONS) else "CREATE",
        kind=GroupVersionKind(kind.group, kind.version, kind.kind),
        object_bytes=request.object_bytes,
        old_object_bytes=request.old_object_bytes,
    )


async def _fail(context: ServicerContext, name: str, exc: Exception, ctx: Any) -> NoReturn:
    """Answer UNIMPLEMENTED for a missing handler; else log the traceback with the request's secrets masked and
    answer UNKNOWN naming only the exception type."""
    from gpctl.sdk._dispatch import log_failure

    if isinstance(exc, NotImplementedError):
        await context.abort(StatusCode.UNIMPLEMENTED, f"The plugin has no {name} handler.")
    log_failure(f"The {name} handler failed.", exc, ctx if hasattr(ctx, "redact") else None)
    await context.abort(StatusCode.UNKNOWN, f"The {name} handler raised `{type(exc).__name__}`.")
    raise AssertionError("unreachable")  # pragma: no cover - abort() raises


class AdmissionServicer:
    def __init__(self, handlers: AdmissionHandlers, make_context: ContextFactory) -> None:
        self.handlers = handlers
        self.make_context = make_context

    async def ValidateAdmission(
        self, request: pb.AdmissionRequest, context: ServicerContext
    ) -> pb.ValidationResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.handlers.run_validate(_admission_request(request), ctx)
        except Exception as exc:
            await _fail(context, "validate_admission", exc, ctx)
        return pb.ValidationResponse(
            allowed=result.allowed, result=_status(result.result), warnings=result.warnings
        )

    async def MutateAdmission(
        self, request: pb.AdmissionRequest, context: ServicerContext
    ) -> pb.MutationResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.handlers.run_mutate(_admission_request(request), ctx)
        except Exception as exc:
            await _fail(context, "mutate_admission", exc, ctx)
        return pb.MutationResponse(
            allowed=result.allowed,
            result=_status(result.result),
            warnings=result.warnings,
            object_bytes=result.object_bytes,
        )


class ConversionServicer:
    def __init__(self, handlers: AdmissionHandlers, make_context: ContextFactory) -> None:
        self.handlers = handlers
        self.make_context = make_context

    async def ConvertObjects(
        self, request: pb.ConversionRequest, context: ServicerContext
    ) -> pb.ConversionResponse:
        ctx = await self.make_context(request.pluginContext, context)
        target = request.target_version
        req = ConversionRequest(
            uid=request.uid,
            objects=tuple(RawObject(o.raw, o.content_type) for o in request.objects),
            target_version=GroupVersion(target.group, target.version),
        )
        try:
            result = await self.handlers.run_convert(req, ctx)
        except Exception as exc:
            await _fail(context, "convert_objects", exc, ctx)
        return pb.ConversionResponse(
            uid=request.uid,
            result=_status(result.result),
            objects=[pb.RawObject(raw=o.raw, content_type=o.content_type) for o in result.objects],
        )


def add_admission_servicers(
    server: Server, handlers: AdmissionHandlers, make_context: ContextFactory
) -> list[str]:
    """Register AdmissionControl / ResourceConversion when the plugin has such handlers; return the services."""
    added = []
    if handlers.has_admission:
        add_service(server, AdmissionServicer(handlers, make_context), _SERVICES["AdmissionControl"])
        added.append("pluginv2.AdmissionControl")
    if handlers.has_conversion:
        add_service(server, ConversionServicer(handlers, make_context), _SERVICES["ResourceConversion"])
        added.append("pluginv2.ResourceConversion")
    return added


# -- client side (gpctl.sdk.testing.PluginClient) ------------------------------------------------------------------


def _stubs() -> Any:
    from .pluginv2 import backend_pb2_grpc

    return backend_pb2_grpc


class RpcFailed(RuntimeError):
    """An RPC answered with an error status; `code` is its name in lower case (`unimplemented`, `unknown`...)."""

    def __init__(self, rpc: str, code: str, details: str) -> None:
        super().__init__(f"{rpc} failed with `{code}`: {details}")
        self.code = code
        self.details = details


def _result(answer: Any) -> StatusResult | None:
    """The `result` status of a plugin's answer, None when it has none."""
    if not answer.HasField("result") or not answer.result.status:
        return None
    status: pb.StatusResult = answer.result
    return StatusResult(status.status, status.message, status.reason, status.code)  # type: ignore[arg-type]


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else json.dumps(value).encode()


def _admission(
    ctx: pb.PluginContext, obj: Any, operation: str, kind: tuple[str, str, str], old: Any
) -> pb.AdmissionRequest:
    return pb.AdmissionRequest(
        pluginContext=ctx,
        operation=OPERATIONS.index(operation),  # type: ignore[arg-type]
        kind=pb.GroupVersionKind(group=kind[0], version=kind[1], kind=kind[2]),
        object_bytes=_bytes(obj),
        old_object_bytes=_bytes(old),
    )


def validate(
    channel: grpc.Channel,
    ctx: pb.PluginContext,
    obj: Any,
    operation: str,
    kind: tuple[str, str, str],
    old: Any,
    timeout: float,
) -> ValidationResult:
    stub = _stubs().AdmissionControlStub(channel)
    answer = _call(
        "ValidateAdmission", stub.ValidateAdmission, _admission(ctx, obj, operation, kind, old), timeout
    )
    return ValidationResult(answer.allowed, _result(answer), tuple(answer.warnings))


def mutate(
    channel: grpc.Channel,
    ctx: pb.PluginContext,
    obj: Any,
    operation: str,
    kind: tuple[str, str, str],
    old: Any,
    timeout: float,
) -> MutationResult:
    stub = _stubs().AdmissionControlStub(channel)
    answer = _call(
        "MutateAdmission", stub.MutateAdmission, _admission(ctx, obj, operation, kind, old), timeout
    )
    return MutationResult(answer.allowed, _result(answer), tuple(answer.warnings), bytes(answer.object_bytes))


def convert(
    channel: grpc.Channel,
    ctx: pb.PluginContext,
    objects: Any,
    target: tuple[str, str],
    uid: str,
    timeout: float,
) -> ConversionResult:
    raw = [o if isinstance(o, RawObject) else RawObject(_bytes(o)) for o in objects]
    request = pb.ConversionRequest(
        pluginContext=ctx,
        uid=uid,
        objects=[pb.RawObject(raw=o.raw, content_type=o.content_type) for o in raw],
        target_version=pb.GroupVersion(group=target[0], version=target[1]),
    )
    answer = _call(
        "ConvertObjects", _stubs().ResourceConversionStub(channel).ConvertObjects, request, timeout
    )
    return ConversionResult(tuple(RawObject(o.raw, o.content_type) for o in answer.objects), _result(answer))


def _call(method: str, call: Any, request: Any, timeout: float) -> Any:
    """The plugin's answer to one client call; a gRPC error becomes `RpcFailed` naming `method`."""
    import grpc

    try:
        return call(request, timeout=timeout)
    except grpc.RpcError as exc:
        raise RpcFailed(method, exc.code().name.lower(), exc.details() or "") from None
