"""CallResource: plain-function routes and an ASGI bridge (any ASGI app, e.g. Starlette, can serve resources).

Plain routes: `@ds.resource("/items/{id}", methods=["GET"])` on `(request: ResourceRequest, ctx) -> ...`
returning a `ResourceResponse`, a dict/list (JSON), `str` (text) or `bytes`. Otherwise the `resources=` ASGI app
gets the call; `plugin_context(request)` returns the request's `PluginContext` inside it (`ctx.instance` too).

Responses are streamed: the first message carries status and headers, every later ASGI body chunk is sent as it is
produced.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gpctl.sdk._context import PluginContext
from gpctl.sdk._plugin import HandlerTable
from gpctl.sdk.errors import QueryError

__all__ = ["ResourceRequest", "ResourceResponse", "plugin_context"]

logger = logging.getLogger("gpctl.sdk.resources")
_SCOPE_KEY = "gpctl.plugin_context"


@dataclass(frozen=True)
class ResourceRequest:
    """One CallResource request; `path` has no leading slash, `url` is the path plus query string."""

    method: str
    path: str
    url: str = ""
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: bytes = b""
    path_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def query_params(self) -> dict[str, str]:
        from urllib.parse import parse_qsl, urlsplit

        return dict(parse_qsl(urlsplit(self.url).query))

    def header(self, name: str, default: str | None = None) -> str | None:
        for key, values in self.headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return default

    def json(self) -> Any:
        import json

        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class ResourceResponse:
    """An HTTP-like answer: status, multi-valued headers, body."""

    status: int = 200
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, value: Any, status: int = 200) -> ResourceResponse:
        import json

        return cls(status, {"Content-Type": ["application/json"]}, json.dumps(value).encode())

    @classmethod
    def text(cls, text: str, status: int = 200) -> ResourceResponse:
        return cls(status, {"Content-Type": ["text/plain; charset=utf-8"]}, text.encode())

    def json_body(self) -> Any:
        import json

        return json.loads(self.body)


def plugin_context(request: Any) -> PluginContext[Any]:
    """The `PluginContext` of an ASGI request served through CallResource (Starlette `Request` or a scope)."""
    scope = getattr(request, "scope", request)
    try:
        return scope[_SCOPE_KEY]  # type: ignore[no-any-return]
    except (KeyError, TypeError):
        raise LookupError(
            "This request did not come through CallResource, so it has no plugin context."
        ) from None


def _coerce(result: Any) -> ResourceResponse:
    if isinstance(result, ResourceResponse):
        return result
    if isinstance(result, (dict, list)):
        return ResourceResponse.json(result)
    if isinstance(result, str):
        return ResourceResponse.text(result)
    if isinstance(result, (bytes, bytearray)):
        return ResourceResponse(200, {"Content-Type": ["application/octet-stream"]}, bytes(result))
    if result is None:
        return ResourceResponse(204)
    raise TypeError(
        f"A resource handler must return a ResourceResponse, dict, list, str or bytes, not {result!r}."
    )


Chunk = tuple[int, Mapping[str, Sequence[str]], bytes]


async def call_resource(
    table: HandlerTable, request: ResourceRequest, ctx: PluginContext[Any]
) -> AsyncIterator[Chunk]:
    """Serve one CallResource: yield `(status, headers, body)` first, then `(0, {}, body)` chunks."""
    for route in table.routes:
        params = route.match(request.path)
        if params is None:
            continue
        if request.method.upper() not in route.methods:
            yield 405, {"Allow": sorted(route.methods)}, b""
            return
        try:
            response = _coerce(await route.call(replace(request, path_params=params), ctx))
        except QueryError as exc:
            response = ResourceResponse.json({"message": exc.message}, status=exc.status)
        except Exception as exc:
            from gpctl.sdk._dispatch import log_failure

            log_failure("Resource handler failed.", exc, ctx, path=request.path)
            response = ResourceResponse.json({"message": "Internal error in resource handler."}, status=500)
        yield response.status, response.headers, response.body
        return
    if table.asgi is None:
        response = ResourceResponse.json({"message": "Not found"}, status=404)
        yield response.status, response.headers, response.body
        return
    async for chunk in _asgi(table.asgi, request, ctx):
        yield chunk


async def _asgi(app: Any, request: ResourceRequest, ctx: PluginContext[Any]) -> AsyncIterator[Chunk]:
    import asyncio
    from urllib.parse import urlsplit

    split = urlsplit(request.url or request.path)
    path = "/" + request.path.lstrip("/")
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1"))
        for k, values in request.headers.items()
        for v in values
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method.upper(),
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": split.query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("grafana", 80),
        "state": {},
        _SCOPE_KEY: ctx,
    }
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect until the call ends
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        await queue.put(message)

    async def run() -> None:
        try:
            await app(scope, receive, send)
        finally:
            await queue.put(None)

    task = asyncio.ensure_future(run())
    started = False
    pending: tuple[int, dict[str, list[str]]] | None = None
    try:
        while True:
            message = await queue.get()
            if message is None:
                break
            if message["type"] == "http.response.start":
                status = int(message["status"])
                out: dict[str, list[str]] = {}
                for k, v in message.get("headers", []):
                    out.setdefault(k.decode("latin-1").title(), []).append(v.decode("latin-1"))
                pending = (status, out)
            elif message["type"] == "http.response.body":
                body = bytes(message.get("body", b""))
                if not started:
                    if pending is None:
                        raise RuntimeError("The ASGI app sent a body before `http.response.start`.")
                    yield pending[0], pending[1], body
                    started = True
                elif body:
                    yield 0, {}, body
                if not message.get("more_body", False):
                    break
        await task
    except Exception as exc:
        if started:
            raise
        from gpctl.sdk._dispatch import log_failure

        log_failure("Resource handler failed.", exc, ctx, path=request.path)
        yield (
            500,
            {"Content-Type": ["application/json"]},
            b'{"message":"Internal error in resource handler."}',
        )
    finally:
        task.cancel()
