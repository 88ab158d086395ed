"""Grafana Live streams: channel routing, subscribe/publish results, RunStream handlers.

A datasource's channels are `ds/<uid>/<path>`, an app's `plugin/<plugin id>/<path>`; the plugin sees only `<path>`,
which `StreamRouter` matches against patterns such as `live/{city}` (one segment) or `logs/{rest:path}` (the rest).

    @ds.stream("live/{city}")
    async def live(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[Frame]:
        while True:
            yield Frame("live", Field("time", [datetime.now(timezone.utc)]), Field("value", [1.0]))
            await anyio.sleep(1)

    @live.subscribe                         # optional: the default answers OK
    def allow(req: SubscribeStreamRequest, ctx: PluginContext) -> SubscribeResult:
        return SubscribeResult.ok() if req.path_params["city"] != "atlantis" else SubscribeResult.not_found()

A RunStream handler is an async (or sync) generator. Each `Frame` it yields is sent as frame JSON: with its schema
the first time and whenever the schema changes, data only otherwise. Dicts, lists, numbers and strings are sent as
JSON; `bytes` must already be JSON. Returning ends the stream for good; raising makes Grafana start it again
(at once if it ran for 100 ms or more, else with a growing back-off). When Grafana cancels the stream (no
subscribers left, settings changed, shutdown) the generator is closed at once, so its `finally` blocks run.
Publishing is refused (`PERMISSION_DENIED`) unless the route has a `@route.publish` handler.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from gpctl.sdk._handlers import call_handler
from gpctl.sdk.data import Frame

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "PacketEncoder",
    "PublishResult",
    "PublishStreamRequest",
    "RunStreamRequest",
    "StreamRequest",
    "StreamRoute",
    "StreamRouter",
    "SubscribeResult",
    "SubscribeStreamRequest",
    "channel_of",
    "encode_json",
]

StreamStatus = Literal["ok", "not_found", "permission_denied"]
Handler = Callable[..., Any]
H = TypeVar("H", bound=Handler)
_R = TypeVar("_R", "SubscribeResult", "PublishResult")

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(path))?\}")
_LITERAL = re.compile(r"[A-Za-z0-9_\-/=.]*")
_MAX_CHANNEL = 160


def encode_json(value: Any) -> bytes:
    """Encode an initial/publish/packet payload: a Frame as frame JSON (all), bytes as given, others via `json`."""
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, Frame):
        return bytes(value.to_json(include="all"))
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()


@dataclass(frozen=True)
class _Result:
    status: StreamStatus
    data: bytes = b""

    @property
    def is_ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class SubscribeResult(_Result):
    """The answer to a subscription: `ok(initial=...)`, `not_found()` or `permission_denied()`."""

    @classmethod
    def ok(cls, initial: Any = None) -> SubscribeResult:
        """Allow the subscription; `initial` (a Frame with its schema, or JSON) is sent to the subscriber."""
        return cls("ok", encode_json(initial))

    @classmethod
    def not_found(cls) -> SubscribeResult:
        return cls("not_found")

    @classmethod
    def permission_denied(cls) -> SubscribeResult:
        return cls("permission_denied")


@dataclass(frozen=True)
class PublishResult(_Result):
    """The answer to a publication: `ok(data=...)` (Grafana publishes `data` when given), or a refusal."""

    @classmethod
    def ok(cls, data: Any = None) -> PublishResult:
        return cls("ok", encode_json(data))

    @classmethod
    def not_found(cls) -> PublishResult:
        return cls("not_found")

    @classmethod
    def permission_denied(cls) -> PublishResult:
        return cls("permission_denied")


@dataclass(frozen=True)
class StreamRequest:
    """A stream call: the channel `path` (without `ds/<uid>/`), its matched `path_params`, payload and headers."""

    path: str
    path_params: Mapping[str, str] = field(default_factory=dict)
    data: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    channel: str = ""

    def json(self) -> Any:
        """Parse `data` as JSON (`None` when empty)."""
        return json.loads(self.data) if self.data else None


class SubscribeStreamRequest(StreamRequest):
    """SubscribeStream: `data` is the optional subscribe payload (e.g. the query)."""


class PublishStreamRequest(StreamRequest):
    """PublishStream: `data` is what the user published."""


class RunStreamRequest(StreamRequest):
    """RunStream: started once per channel when its first subscriber arrives."""


def channel_of(ctx: Any, path: str) -> str:
    """The full channel address for `path`: `ds/<uid>/<path>` for datasources, `plugin/<id>/<path>` for apps."""
    settings = getattr(ctx, "datasource_settings", None)
    uid = getattr(settings, "uid", "") if settings is not None else ""
    if uid:
        return f"ds/{uid}/{path}"
    return f"plugin/{getattr(ctx, 'plugin_id', '')}/{path}"


class StreamRoute(Generic[H]):
    """One channel pattern with its RunStream handler and optional subscribe/publish handlers."""

    def __init__(self, pattern: str, handler: H) -> None:
        self.pattern = pattern
        self.handler: H = handler
        self.subscribe_handler: Handler | None = None
        self.publish_handler: Handler | None = None
        self._regex = _compile(pattern)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.handler(*args, **kwargs)

    def __repr__(self) -> str:
        return f"StreamRoute({self.pattern!r}, {getattr(self.handler, '__qualname__', self.handler)!r})"

    def subscribe(self, fn: Handler) -> Handler:
        """Register `fn(req, ctx) -> SubscribeResult` (sync or async) for this route."""
        _check_handler(fn, f"subscribe handler of stream `{self.pattern}`")
        self.subscribe_handler = fn
        return fn

    def publish(self, fn: Handler) -> Handler:
        """Register `fn(req, ctx) -> PublishResult` (sync or async) for this route."""
        _check_handler(fn, f"publish handler of stream `{self.pattern}`")
        self.publish_handler = fn
        return fn

    def match(self, path: str) -> dict[str, str] | None:
        found = self._regex.fullmatch(path)
        return None if found is None else found.groupdict()


def _compile(pattern: str) -> re.Pattern[str]:
    if not pattern or pattern.startswith("/") or len(pattern) > _MAX_CHANNEL:
        raise ValueError(
            f"Stream pattern `{pattern}` must be a relative channel path such as `live/{{name}}`."
        )
    regex, names, pos = "", set(), 0
    for param in _PARAM.finditer(pattern):
        literal = _checked_literal(pattern, pattern[pos : param.start()])
        name = param.group(1)
        if name in names:
            raise ValueError(f"Stream pattern `{pattern}` uses the parameter `{name}` twice.")
        names.add(name)
        regex += re.escape(literal) + (f"(?P<{name}>.+)" if param.group(2) else f"(?P<{name}>[^/]+)")
        pos = param.end()
    return re.compile(regex + re.escape(_checked_literal(pattern, pattern[pos:])))


def _checked_literal(pattern: str, literal: str) -> str:
    """`literal` (the text of `pattern` between parameters), when Grafana allows its characters in channels."""
    if not _LITERAL.fullmatch(literal):
        raise ValueError(
            f"Stream pattern `{pattern}` has characters Grafana does not allow in channel paths; "
            "use letters, digits and `_-/=.`."
        )
    return literal


def _check_handler(fn: Any, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"The {what} must be a function, not `{type(fn).__name__}`.")


class StreamRouter:
    """The stream routes of one plugin, matched in registration order."""

    def __init__(self) -> None:
        self.routes: list[StreamRoute[Any]] = []

    def __bool__(self) -> bool:
        return bool(self.routes)

    def route(self, pattern: str) -> Callable[[H], StreamRoute[H]]:
        """Decorator registering a RunStream handler for `pattern`; returns the `StreamRoute`."""
        _compile(pattern)
        if any(r.pattern == pattern for r in self.routes):
            raise ValueError(f"A stream handler for `{pattern}` is already registered.")

        def register(handler: H) -> StreamRoute[H]:
            _check_handler(handler, f"handler of stream `{pattern}`")
            route = StreamRoute(pattern, handler)
            self.routes.append(route)
            return route

        return register

    def resolve(self, path: str) -> tuple[StreamRoute[Any], dict[str, str]] | None:
        for route in self.routes:
            params = route.match(path)
            if params is not None:
                return route, params
        return None

    async def subscribe_stream(
        self, path: str, data: bytes, headers: Mapping[str, str], ctx: Any
    ) -> SubscribeResult:
        return await self._answer(
            "subscribe", path, data, headers, ctx, SubscribeStreamRequest, SubscribeResult, SubscribeResult.ok
        )

    async def publish_stream(
        self, path: str, data: bytes, headers: Mapping[str, str], ctx: Any
    ) -> PublishResult:
        return await self._answer(
            "publish",
            path,
            data,
            headers,
            ctx,
            PublishStreamRequest,
            PublishResult,
            PublishResult.permission_denied,
        )

    async def _answer(
        self,
        kind: Literal["subscribe", "publish"],
        path: str,
        data: bytes,
        headers: Mapping[str, str],
        ctx: Any,
        request_type: Callable[..., Any],
        result_type: type[_R],
        default: Callable[[], _R],
    ) -> _R:
        """Answer a subscribe or publish call: not found, the default without a handler, or the handler's result."""
        found = self.resolve(path)
        if found is None:
            return result_type.not_found()
        route, params = found
        handler = route.subscribe_handler if kind == "subscribe" else route.publish_handler
        if handler is None:
            return default()
        req = request_type(path, params, data, dict(headers), channel_of(ctx, path))
        result = await call_handler(handler, req, ctx)
        if not isinstance(result, result_type):
            raise TypeError(
                f"The {kind} handler of stream `{route.pattern}` returned `{type(result).__name__}`; "
                f"return {result_type.__name__}.ok(), .not_found() or .permission_denied()."
            )
        return result

    async def run_stream(
        self, path: str, data: bytes, headers: Mapping[str, str], ctx: Any
    ) -> AsyncGenerator[bytes, None]:
        """Yield the JSON packets of the stream at `path`; raise `LookupError` when no route matches."""
        found = self.resolve(path)
        if found is None:
            raise LookupError(f"No stream handler matches the channel path `{path}`.")
        route, params = found
        req = RunStreamRequest(path, params, data, dict(headers), channel_of(ctx, path))
        encoder = PacketEncoder(route.pattern)
        items = _iterate(route.handler, req, ctx)
        try:
            async for item in items:
                yield encoder.encode(item)
        finally:
            await items.aclose()


async def _iterate(handler: Handler, req: RunStreamRequest, ctx: Any) -> AsyncGenerator[Any, None]:
    import asyncio

    if inspect.isasyncgenfunction(handler):
        agen = handler(req, ctx)
        try:
            async for item in agen:
                yield item
        finally:
            await agen.aclose()
        return
    if inspect.iscoroutinefunction(handler):
        result = await handler(req, ctx)
    else:
        result = await asyncio.to_thread(handler, req, ctx)
    if hasattr(result, "__aiter__"):
        async for item in result:
            yield item
    elif isinstance(result, Iterator):
        async for item in _iterate_sync(result):
            yield item
    else:
        raise TypeError(
            f"The stream handler `{getattr(handler, '__qualname__', handler)}` must be a generator; "
            f"it returned `{type(result).__name__}`."
        )


async def _iterate_sync(gen: Iterator[Any]) -> AsyncGenerator[Any, None]:
    """Step a sync generator in a worker thread; on cancellation close it as soon as its current step ends."""
    import asyncio

    loop = asyncio.get_running_loop()
    done = object()
    while True:
        step = loop.run_in_executor(None, next, gen, done)
        try:
            item = await asyncio.shield(step)
        except BaseException:
            _close_after(step, gen)
            raise
        if item is done:
            return
        yield item


def _close_after(step: asyncio.Future[Any], gen: Iterator[Any]) -> None:
    close = getattr(gen, "close", None)
    if close is None:
        return
    if step.done():
        close()
    else:
        step.add_done_callback(lambda _: close())


def _signature(frame: Frame) -> tuple[Any, ...] | None:
    """A cheap stand-in for the schema JSON of a frame without meta or field config (the usual stream frame)."""
    if frame.meta is not None:
        return None
    fields = []
    for f in frame.fields:
        if f.config is not None:
            return None
        fields.append((f.name, f.type, f.nullable, tuple(sorted(f.labels.items())) if f.labels else None))
    return tuple(fields)


class PacketEncoder:
    """Turn what a stream yields into JSON packets; frames carry their schema first and when it changes."""

    def __init__(self, pattern: str = "") -> None:
        self.pattern = pattern
        self._schemas: dict[tuple[str, str | None], tuple[str, Any]] = {}

    def encode(self, item: Any) -> bytes:
        if isinstance(item, Frame):
            key = (item.name, item.ref_id)
            signature = _signature(item)
            token = ("fields", signature) if signature is not None else ("json", item.to_json("schema"))
            if self._schemas.get(key) == token:
                return item.to_json("data")
            self._schemas[key] = token
            return item.to_json("all")
        if isinstance(item, bytes | bytearray | memoryview):
            raw = bytes(item)
            try:
                json.loads(raw)
            except ValueError:
                raise ValueError(
                    f"Stream `{self.pattern}` yielded bytes that are not valid JSON; Grafana would drop the packet "
                    "and restart the stream."
                ) from None
            return raw
        try:
            return json.dumps(item, separators=(",", ":"), allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Stream `{self.pattern}` yielded `{type(item).__name__}`, which is not a Frame or JSON-able: {exc}."
            ) from None
