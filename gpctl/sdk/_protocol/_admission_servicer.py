"""`pluginv2.AdmissionControl` and `pluginv2.ResourceConversion` servicers on top of `AdmissionHandlers`.

A capability without a handler answers `UNIMPLEMENTED` (Grafana maps it to 501). A handler exception is logged
with its traceback and answered with `UNKNOWN` and a sentence naming the handler and the exception type.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import grpc

from gpctl.sdk._admission import (
    OPERATIONS,
    AdmissionHandlers,
    AdmissionRequest,
    ConversionRequest,
    GroupVersion,
    GroupVersionKind,
    RawObject,
    StatusResult,
)

from ._stream_servicer import ContextFactory
from .pluginv2 import backend_pb2 as pb
from .pluginv2 import backend_pb2_grpc as pb_grpc

__all__ = ["AdmissionServicer", "ConversionServicer", "add_admission_servicers"]

logger = logging.getLogger("gpctl.sdk.admission")


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


async def _fail(context: grpc.aio.ServicerContext, name: str, exc: Exception) -> NoReturn:
    if isinstance(exc, NotImplementedError):
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"The plugin has no {name} handler.")
    logger.error("The %s handler failed.", name, exc_info=exc)
    await context.abort(grpc.StatusCode.UNKNOWN, f"The {name} handler raised `{type(exc).__name__}`.")
    raise AssertionError("unreachable")  # pragma: no cover - abort() raises


class AdmissionServicer:
    def __init__(self, handlers: AdmissionHandlers, make_context: ContextFactory) -> None:
        self.handlers = handlers
        self.make_context = make_context

    async def ValidateAdmission(
        self, request: pb.AdmissionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ValidationResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.handlers.run_validate(_admission_request(request), ctx)
        except Exception as exc:
            await _fail(context, "validate_admission", exc)
        return pb.ValidationResponse(
            allowed=result.allowed, result=_status(result.result), warnings=result.warnings
        )

    async def MutateAdmission(
        self, request: pb.AdmissionRequest, context: grpc.aio.ServicerContext
    ) -> pb.MutationResponse:
        ctx = await self.make_context(request.pluginContext, context)
        try:
            result = await self.handlers.run_mutate(_admission_request(request), ctx)
        except Exception as exc:
            await _fail(context, "mutate_admission", exc)
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
        self, request: pb.ConversionRequest, context: grpc.aio.ServicerContext
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
            await _fail(context, "convert_objects", exc)
        return pb.ConversionResponse(
            uid=request.uid,
            result=_status(result.result),
            objects=[pb.RawObject(raw=o.raw, content_type=o.content_type) for o in result.objects],
        )


def add_admission_servicers(
    server: Any, handlers: AdmissionHandlers, make_context: ContextFactory
) -> list[str]:
    """Register AdmissionControl / ResourceConversion when the plugin has such handlers; return the services."""
    added = []
    if handlers.has_admission:
        pb_grpc.add_AdmissionControlServicer_to_server(AdmissionServicer(handlers, make_context), server)
        added.append("pluginv2.AdmissionControl")
    if handlers.has_conversion:
        pb_grpc.add_ResourceConversionServicer_to_server(ConversionServicer(handlers, make_context), server)
        added.append("pluginv2.ResourceConversion")
    return added
