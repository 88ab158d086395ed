"""The runtime behind the gRPC servicers, free of gRPC: run query, health and resource handlers.

Each query of a batch runs on its own (concurrently when there are several) and fails on its own: `QueryError`
texts reach the user, any other exception is logged with a redacted traceback and answered with
`Internal error in query handler.` (status 500, source `plugin`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import traceback
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from gpctl.sdk._context import PluginContext
from gpctl.sdk._health import HealthResult
from gpctl.sdk._instances import InstanceManager
from gpctl.sdk._metrics import RequestMetrics
from gpctl.sdk._models import ModelError, parse_model
from gpctl.sdk._plugin import QueryRoute, _Plugin
from gpctl.sdk._query import DataQuery, DataResponse, QueryDataRequest
from gpctl.sdk.data import Frame, FrameError
from gpctl.sdk.errors import QueryError

__all__ = ["INTERNAL_ERROR", "Runtime", "SettingsError"]

logger = logging.getLogger("gpctl.sdk")

INTERNAL_ERROR = "Internal error in query handler."
_UNSET: Any = object()


class SettingsError(QueryError):
    """The request's jsonData / secureJsonData does not fit the plugin's declared dataclasses."""


def log_failure(message: str, exc: BaseException, ctx: PluginContext[Any] | None, **extra: Any) -> None:
    """Log `exc` with its traceback, every secure value of the request replaced by `***`."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
    if ctx is not None:
        text = ctx.redact(text)
    logger.error(message, extra={**extra, "error": text})


class Runtime:
    """Dispatch requests of one plugin to its handlers; `instance` overrides the factory (tests)."""

    def __init__(self, plugin: _Plugin, *, instance: Any = _UNSET) -> None:
        self.plugin = plugin
        self.table = plugin.handlers
        self.instances = InstanceManager(plugin.instance, "app" if plugin.kind == "app" else "datasource")
        self._override = instance
        self.metrics = RequestMetrics()
        # Else `with_instance` is a no-op.
        self.needs_instance = instance is not _UNSET or plugin.instance is not None

    async def with_instance(self, ctx: PluginContext[Any], metadata: Mapping[str, str]) -> PluginContext[Any]:
        """Attach the per-configuration instance to `ctx`."""
        if self._override is not _UNSET:
            return dataclasses.replace(ctx, instance=self._override)
        if self.plugin.instance is None:
            return ctx
        return dataclasses.replace(ctx, instance=await self.instances.get(ctx, metadata))

    # QueryData ------------------------------------------------------------------------------------------------

    async def query_data(self, request: QueryDataRequest, ctx: PluginContext[Any]) -> dict[str, DataResponse]:
        """Answer every query of `request`, keyed by refId."""
        if self.table.query_data is not None:
            return await self._batch(request, ctx)
        if len(request.queries) == 1:
            q = request.queries[0]
            return {q.ref_id: await self.run_query(q, ctx)}
        limit = asyncio.Semaphore(concurrency_limit(ctx))

        async def limited(query: DataQuery[Any]) -> DataResponse:
            async with limit:
                return await self.run_query(query, ctx)

        answers = await asyncio.gather(*(limited(q) for q in request.queries))
        return {q.ref_id: a for q, a in zip(request.queries, answers, strict=True)}

    async def _batch(self, request: QueryDataRequest, ctx: PluginContext[Any]) -> dict[str, DataResponse]:
        handler = self.table.query_data
        try:
            result = await handler(request, ctx)  # type: ignore[misc]
            if not isinstance(result, Mapping):
                raise TypeError(
                    f"A query_data handler must return a dict of refId → DataResponse, not `{type(result).__name__}`."
                )
            return {str(k): _response(v) for k, v in result.items()}
        except QueryError as exc:
            failed = DataResponse(error=exc.message, status=exc.status, error_source=exc.error_source)
        except Exception as exc:
            log_failure("The query_data handler failed.", exc, ctx)
            failed = DataResponse(error=INTERNAL_ERROR, status=500, error_source="plugin")
        return {q.ref_id: failed for q in request.queries}

    async def outcomes(
        self, request: QueryDataRequest, ctx: PluginContext[Any]
    ) -> AsyncIterator[DataResponseFor]:
        """Yield `(refId, DataResponse)` pairs as queries complete (QueryChunkedData), at most
        `concurrency_limit(ctx)` at a time; a `query_data` batch handler answers them all at once."""
        if self.table.query_data is not None:
            for pair in (await self._batch(request, ctx)).items():
                yield pair
            return
        limit = asyncio.Semaphore(concurrency_limit(ctx))

        async def one(query: DataQuery[Any]) -> DataResponseFor:
            async with limit:
                return query.ref_id, await self.run_query(query, ctx)

        for done in asyncio.as_completed([one(q) for q in request.queries]):
            yield await done

    def route(self, query_type: str) -> QueryRoute | None:
        return self.table.queries.get(query_type) or self.table.queries.get(None)

    async def run_query(self, query: DataQuery[Any], ctx: PluginContext[Any]) -> DataResponse:
        """Run one query's handler and turn any failure into that query's error response."""
        route = self.route(query.query_type)
        if route is None:
            known = ", ".join(f"`{t}`" for t in self.table.queries if t is not None) or "none"
            return DataResponse(
                error=f"No handler for query type `{query.query_type}`; registered types: {known}.",
                status=400,
            )
        try:
            model: Any = query.model
            if route.model is not None:
                try:
                    model = parse_model(route.model, dict(query.json))
                except ModelError as exc:
                    raise QueryError(
                        f"Query `{query.ref_id}` does not fit `{route.model.__name__}`: {exc.clause}",
                        status=400,
                    ) from None
            if model is not query.model:
                query = dataclasses.replace(query, model=model)
            result = await route.call(query, ctx)
            return _response(result)
        except QueryError as exc:
            return DataResponse(error=exc.message, status=exc.status, error_source=exc.error_source)
        except FrameError as exc:
            log_failure("Query handler returned a bad frame.", exc, ctx, refId=query.ref_id)
            return DataResponse(error=f"The query handler returned a bad frame: {exc}", status=500)
        except Exception as exc:
            log_failure(
                "Query handler failed.",
                exc,
                ctx,
                refId=query.ref_id,
                queryType=query.query_type,
                handler=getattr(route.fn, "__qualname__", repr(route.fn)),
            )
            return DataResponse(error=INTERNAL_ERROR, status=500, error_source="plugin")

    # CheckHealth ----------------------------------------------------------------------------------------------

    async def check_health(self, ctx: PluginContext[Any]) -> HealthResult:
        if self.table.check_health is None:
            return HealthResult.ok("Plugin is running.")
        try:
            result = await self.table.check_health(ctx)
        except QueryError as exc:
            return HealthResult.error(exc.message)
        except Exception as exc:
            log_failure("Health check handler failed.", exc, ctx)
            return HealthResult.error("Internal error in health check handler.")
        if not isinstance(result, HealthResult):
            logger.error("Health check handler returned %r instead of a HealthResult.", type(result).__name__)
            return HealthResult.error("Internal error in health check handler.")
        return result


DataResponseFor = tuple[str, DataResponse]


def concurrency_limit(ctx: PluginContext[Any]) -> int:
    """How many queries of one request run at once: Grafana's `GF_CONCURRENT_QUERY_COUNT`, clamped to 1..10."""
    advice = ctx.grafana_config.concurrent_query_count
    return advice if advice is not None and 0 < advice <= 10 else 10


def _response(result: Any) -> DataResponse:
    if isinstance(result, DataResponse):
        return result
    if isinstance(result, Frame):
        return DataResponse([result])
    if result is None:
        return DataResponse([])
    if isinstance(result, Sequence) and not isinstance(result, (str, bytes)):
        frames = list(result)
        if all(isinstance(f, Frame) for f in frames):
            return DataResponse(frames)
    raise TypeError(
        f"A query handler must return a Frame, a list of frames or a DataResponse, not `{type(result).__name__}`."
    )
