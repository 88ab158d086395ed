"""`Datasource` and `App`: one handler table per plugin, filled by decorators or by `from_class`.

    ds = Datasource("myorg-weather-datasource", json_data=JsonData, secure_json_data=Secure, instance=connect)

    @ds.query("current", model=CityQuery)       # queryType "current"; @ds.query(model=...) is the fallback
    async def current(query: DataQuery[CityQuery], ctx: PluginContext) -> Frame: ...

    @ds.check_health
    def health(ctx: PluginContext) -> HealthResult: ...

Registration mistakes raise `ConfigurationError` at once (import time), never on the first request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from gpctl.sdk._handlers import AsyncHandler, as_async, check_arity, describe
from gpctl.sdk._models import check_model
from gpctl.sdk.errors import ConfigurationError

if TYPE_CHECKING:
    from gpctl.sdk._admission import AdmissionHandlers
    from gpctl.sdk._stream import StreamRoute, StreamRouter

__all__ = ["App", "Datasource", "HandlerTable", "QueryRoute", "ResourceRoute"]

F = TypeVar("F", bound=Callable[..., Any])
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


# The three classes below are plain slotted classes rather than dataclasses: they are built while the plugin
# module is imported, before the handshake, where each dataclass definition costs about half a millisecond.


class QueryRoute:
    """A query handler: the original function, its async adapter and the model its JSON is parsed into."""

    __slots__ = ("call", "fn", "model", "query_type")

    def __init__(
        self, query_type: str | None, fn: Callable[..., Any], call: AsyncHandler, model: type | None
    ) -> None:
        self.query_type = query_type
        self.fn = fn
        self.call = call
        self.model = model

    def __repr__(self) -> str:
        return f"QueryRoute(query_type={self.query_type!r}, fn={self.fn!r}, model={self.model!r})"


class ResourceRoute:
    """A plain-function CallResource route (`{name}` segments become `request.path_params`)."""

    __slots__ = ("call", "fn", "methods", "path", "pattern")

    def __init__(
        self,
        path: str,
        methods: frozenset[str],
        fn: Callable[..., Any],
        call: AsyncHandler,
        pattern: re.Pattern[str],
    ) -> None:
        self.path = path
        self.methods = methods
        self.fn = fn
        self.call = call
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"ResourceRoute(path={self.path!r}, methods={sorted(self.methods)!r}, fn={self.fn!r})"

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path.strip("/"))
        return found.groupdict() if found else None


def _route_pattern(path: str) -> re.Pattern[str]:
    out = []
    for part in re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", path.strip("/")):
        if part.startswith("{") and part.endswith("}"):
            out.append(f"(?P<{part[1:-1]}>[^/]+)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def _check_model(model: type, what: str) -> None:
    try:
        check_model(model, what)
    except TypeError as exc:
        raise ConfigurationError(str(exc)) from None


class HandlerTable:
    """Every handler of one plugin: what the runtime dispatches on."""

    __slots__ = ("_admission", "_streams", "asgi", "check_health", "queries", "query_data", "routes")

    def __init__(self, asgi: Any = None) -> None:
        self.queries: dict[str | None, QueryRoute] = {}
        self.query_data: AsyncHandler | None = None
        self.check_health: AsyncHandler | None = None
        self.routes: list[ResourceRoute] = []
        self.asgi = asgi
        self._streams: Any = None
        self._admission: Any = None

    @property
    def streams(self) -> StreamRouter:
        """The stream routes (created on first use, so plugins without streams never import that code)."""
        if self._streams is None:
            from gpctl.sdk._stream import StreamRouter

            self._streams = StreamRouter()
        return self._streams  # type: ignore[no-any-return]

    @property
    def admission(self) -> AdmissionHandlers:
        """The admission / conversion handlers (created on first use)."""
        if self._admission is None:
            from gpctl.sdk._admission import AdmissionHandlers

            self._admission = AdmissionHandlers()
        return self._admission  # type: ignore[no-any-return]

    @property
    def has_streams(self) -> bool:
        return bool(self._streams)

    @property
    def has_admission(self) -> bool:
        return self._admission is not None and bool(
            self._admission.has_admission or self._admission.has_conversion
        )

    @property
    def has_data(self) -> bool:
        return bool(self.queries) or self.query_data is not None

    @property
    def has_resources(self) -> bool:
        return bool(self.routes) or self.asgi is not None


class _Plugin:
    kind = "datasource"

    def __init__(
        self,
        plugin_id: str,
        *,
        json_data: type | None = None,
        secure_json_data: type | None = None,
        instance: Callable[..., Any] | None = None,
        resources: Any = None,
    ) -> None:
        if not isinstance(plugin_id, str) or not plugin_id:
            raise ConfigurationError(f"The plugin id must be a non-empty string, not `{plugin_id!r}`.")
        for what, model in (("json_data model", json_data), ("secure_json_data model", secure_json_data)):
            if model is not None:
                _check_model(model, what)
        if instance is not None and not callable(instance):
            raise ConfigurationError(
                f"The instance factory must be callable, not `{type(instance).__name__}`."
            )
        if resources is not None and not callable(resources):
            raise ConfigurationError(
                f"`resources` must be an ASGI application (a callable), not `{type(resources).__name__}`."
            )
        self.plugin_id = plugin_id
        self.json_data = json_data
        self.secure_json_data = secure_json_data
        self.instance = instance
        self.handlers = HandlerTable(asgi=resources)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.plugin_id!r})"

    @overload
    def check_health(self, fn: F) -> F: ...
    @overload
    def check_health(self, fn: None = None) -> Callable[[F], F]: ...

    def check_health(self, fn: F | None = None) -> F | Callable[[F], F]:
        """Register the CheckHealth handler: `(ctx) -> HealthResult`, sync or async."""

        def register(fn: F) -> F:
            n = check_arity(fn, "check_health handler", (1, 0))
            if self.handlers.check_health is not None:
                raise ConfigurationError(
                    f"A check_health handler is already registered on `{self.plugin_id}`."
                )
            self.handlers.check_health = as_async(fn, n)
            return fn

        return register(fn) if fn is not None else register

    def resource(self, path: str, *, methods: Sequence[str] = ("GET",)) -> Callable[[F], F]:
        """Register a plain CallResource handler for `path`: `(request, ctx) -> ResourceResponse | dict | str | bytes`."""
        wanted = frozenset(m.upper() for m in methods)
        bad = sorted(wanted - set(_METHODS))
        if bad:
            raise ConfigurationError(f"Unknown HTTP method `{bad[0]}` for resource `{path}`.")

        def register(fn: F) -> F:
            n = check_arity(fn, f"resource handler for `{path}`", (2, 1))
            for route in self.handlers.routes:
                if route.path.strip("/") == path.strip("/") and route.methods & wanted:
                    raise ConfigurationError(f"A resource handler for `{path}` is already registered.")
            call = as_async(fn, n)
            self.handlers.routes.append(ResourceRoute(path, wanted, fn, call, _route_pattern(path)))
            return fn

        return register

    def stream(self, pattern: str) -> Callable[[F], StreamRoute[F]]:
        """Register a RunStream handler for channel paths matching `pattern` (e.g. `live/{city}`)."""
        try:
            route = self.handlers.streams.route(pattern)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None

        def register(fn: F) -> StreamRoute[F]:
            try:
                return route(fn)
            except (TypeError, ValueError) as exc:
                raise ConfigurationError(str(exc)) from None

        return register

    def _admission(self, name: str, fn: F) -> F:
        try:
            return getattr(self.handlers.admission, name)(fn)  # type: ignore[no-any-return]
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(str(exc)) from None

    def validate_admission(self, fn: F) -> F:
        """Register the AdmissionControl validation handler."""
        return self._admission("validate_admission", fn)

    def mutate_admission(self, fn: F) -> F:
        """Register the AdmissionControl mutation handler."""
        return self._admission("mutate_admission", fn)

    def convert_objects(self, fn: F) -> F:
        """Register the ResourceConversion handler."""
        return self._admission("convert_objects", fn)

    def convert_queries(self, fn: F) -> F:
        """Register the query conversion handler (runs inside ResourceConversion)."""
        return self._admission("convert_queries", fn)

    @classmethod
    def from_class(
        cls,
        handler_class: type,
        plugin_id: str,
        *,
        json_data: type | None = None,
        secure_json_data: type | None = None,
        query_model: type | None = None,
        resources: Any = None,
    ) -> Any:
        """Build a plugin whose instance is `handler_class(settings)`; its methods are the handlers.

        Method names are handler names: `query(query, ctx)` (the fallback query handler, model `query_model`),
        `query_data(request, ctx)`, `check_health(ctx)`, `aclose()`/`close()` on disposal.
        """
        if not isinstance(handler_class, type):
            raise ConfigurationError(f"`from_class` needs a class, not `{type(handler_class).__name__}`.")
        plugin = cls(
            plugin_id,
            json_data=json_data,
            secure_json_data=secure_json_data,
            instance=handler_class,
            resources=resources,
        )
        found = False
        for name, counts in (("query", (2, 1)), ("query_data", (2, 1)), ("check_health", (1, 0))):
            method = getattr(handler_class, name, None)
            if method is None:
                continue
            if name != "check_health" and not isinstance(plugin, Datasource):
                raise ConfigurationError(f"An app cannot have a `{name}` handler; use Datasource.from_class.")
            allowed = tuple(n + 1 for n in counts)
            n = check_arity(method, f"method `{handler_class.__name__}.{name}`", allowed) - 1
            found = True
            plugin._bind_method(name, method, n, query_model)
        if not found:
            raise ConfigurationError(
                f"Class `{handler_class.__name__}` has none of the handler methods "
                "`query`, `query_data`, `check_health`."
            )
        return plugin

    def _bind_method(self, name: str, method: Callable[..., Any], n: int, query_model: type | None) -> None:
        bound = as_async(method, n + 1)

        async def call(*args: Any) -> Any:  # the runtime passes the context last: (ctx) or (query, ctx)
            return await bound(args[-1].instance, *args)

        if name == "check_health":
            self.handlers.check_health = call
        elif name == "query_data":
            self.handlers.query_data = call
        else:
            if query_model is not None:
                _check_model(query_model, "query model")
            self.handlers.queries[None] = QueryRoute(None, method, call, query_model)


class Datasource(_Plugin):
    """A datasource plugin: query handlers, health check, resources, streams."""

    kind = "datasource"

    def query(self, query_type: str | None = None, *, model: type | None = None) -> Callable[[F], F]:
        """Register the handler of one query type (`None`: the fallback for every other type).

        The handler takes `(query: DataQuery[Model], ctx: PluginContext)` and returns a `Frame`, a list of
        frames or a `DataResponse`; sync or async.
        """
        if query_type is not None and not isinstance(query_type, str):
            raise ConfigurationError(
                f"The query type must be a string; use `@ds.query()` for the fallback, not `{query_type!r}`."
            )
        if model is not None:
            _check_model(model, "query model")

        def register(fn: F) -> F:
            what = f"query handler for type `{query_type}`" if query_type else "fallback query handler"
            n = check_arity(fn, what, (2, 1))
            if query_type in self.handlers.queries:
                raise ConfigurationError(
                    f"A {what} is already registered on `{self.plugin_id}` "
                    f"(`{describe(self.handlers.queries[query_type].fn)}`)."
                )
            call = as_async(fn, n)
            self.handlers.queries[query_type] = QueryRoute(query_type, fn, call, model)
            return fn

        return register

    def query_data(self, fn: F) -> F:
        """Register a whole-batch handler `(request: QueryDataRequest, ctx) -> dict[ref_id, DataResponse]`."""
        n = check_arity(fn, "query_data handler", (2, 1))
        if self.handlers.query_data is not None:
            raise ConfigurationError(f"A query_data handler is already registered on `{self.plugin_id}`.")
        self.handlers.query_data = as_async(fn, n)
        return fn


class App(_Plugin):
    """An app plugin: health check, resources, streams (no queries)."""

    kind = "app"
