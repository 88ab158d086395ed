"""One instance per datasource (or app) configuration, like the Go SDK's `instancemgmt`.

The plugin author passes a factory (`Datasource(..., instance=factory)`); handlers receive what it made as
`ctx.instance`. The factory may be:

- a function, sync or async, taking the instance settings (and optionally the plugin context as a second
  argument);
- a class, whose constructor takes the same arguments;
- anything returning an async (or sync) context manager, such as an `@contextlib.asynccontextmanager` function or
  an `httpx.AsyncClient`: it is entered on creation and exited on disposal.

Instances are keyed like the Go SDK (datasource id and uid, tenant id from gRPC metadata, SOCKS proxy key; or
plugin id, org id and tenant for apps). A cached instance is replaced when the settings' `lastUpdatedMS` or the
Grafana configuration changes; the old one is disposed once no request holds it any more (Go simply waits 5 s).
A request holds an instance from `get()` until its asyncio task ends (grpc.aio runs each RPC in its own task),
or for the `async with use(...)` block. Everything is disposed at shutdown by `dispose_all()`. Disposal exits an entered context manager, else awaits `aclose()`, else calls
`close()` or `dispose()`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["InstanceManager", "instance_key"]

logger = logging.getLogger(__name__)

Kind = Literal["datasource", "app"]

_TTL_TOGGLE = "ttlPluginInstanceManager"
_SOCKS_KEY_VALUE = "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_KEY_VAL"
_TOGGLES = "GF_INSTANCE_FEATURE_TOGGLES_ENABLE"


class _Gauges:
    """Process-wide Prometheus metrics, created on first use (prometheus_client is not imported before)."""

    active: Any = None
    total: Any = None

    @classmethod
    def get(cls) -> tuple[Any, Any]:
        if cls.active is None:
            from prometheus_client import Counter, Gauge

            cls.active = Gauge("plugins_active_instances", "The number of active plugin instances")
            cls.total = Counter(
                "plugins_datasource_instances", "The total number of data source instances created"
            )
        return cls.active, cls.total


@dataclass
class _Entry:
    instance: Any
    version: tuple[Any, ...]
    exit: Callable[[], Any] | None
    in_use: int = 0
    last_access: float = field(default_factory=time.monotonic)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    disposed: bool = False


def _settings(ctx: Any, kind: Kind) -> Any:
    settings = getattr(ctx, "datasource_settings" if kind == "datasource" else "app_settings", None)
    if settings is None:
        settings = getattr(ctx, "settings", None)
    return settings


def instance_key(ctx: Any, metadata: Mapping[str, str], kind: Kind) -> tuple[str, tuple[Any, ...]]:
    """Return the cache key and the version of the settings in `ctx`, derived like the Go SDK.

    Raises:
        ValueError: the request carries no datasource (or app) settings.
    """
    tenant = metadata.get("tenantid", "")
    config = dict(getattr(ctx, "grafana_config", None) or {})
    settings = _settings(ctx, kind)
    if settings is None:
        what = "datasource" if kind == "datasource" else "app"
        raise ValueError(f"The request carries no {what} settings, so no instance can be looked up.")
    last_updated = getattr(settings, "last_updated_ms", None)
    if last_updated is None:
        last_updated = getattr(settings, "updated", None)
    version = (last_updated, tuple(sorted(config.items())))
    if kind == "datasource":
        ident = f"{getattr(settings, 'id', 0)}:{getattr(settings, 'uid', '')}"
        return f"{ident}#{tenant}#{_proxy_hash(config)}", version
    key = f"{getattr(ctx, 'plugin_id', '')}#{getattr(ctx, 'org_id', 0)}"
    return (f"{tenant}#{key}" if tenant else key), version


def _proxy_hash(config: Mapping[str, str]) -> str:
    """Base64 of the last 3 bytes of the PEM-decoded SOCKS client key, as Go keys proxied datasources."""
    pem = config.get(_SOCKS_KEY_VALUE, "")
    if not pem:
        return ""
    body = "".join(line for line in pem.strip().splitlines() if line and not line.startswith("-----"))
    try:
        der = base64.b64decode(body)
    except ValueError:
        return ""
    return base64.b64encode(der[-3:]).decode() if len(der) >= 3 else ""


def _arity(factory: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return 1
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return 2
    return min(len(positional), 2)


class InstanceManager:
    """Create, cache and dispose the per-configuration instance of a plugin.

    **Parameters:**

    * **factory** - what makes an instance (module docstring); `None` makes every lookup return `None`.
    * **kind** - `"datasource"` or `"app"`: which settings key the instance.
    * **dispose_delay** - extra seconds a replaced instance stays open after its last request ended.
    * **ttl** - idle seconds after which an instance expires when Grafana enables the `ttlPluginInstanceManager`
      feature toggle (Go: 1 hour).
    """

    def __init__(
        self,
        factory: Callable[..., Any] | None,
        kind: Kind = "datasource",
        *,
        dispose_delay: float = 0.0,
        ttl: float = 3600.0,
    ) -> None:
        if kind not in ("datasource", "app"):
            raise ValueError(f"Instance kind must be `datasource` or `app`, not `{kind}`.")
        self.factory = factory
        self.kind: Kind = kind
        self.dispose_delay = dispose_delay
        self.ttl = ttl
        self._arity = _arity(factory) if factory is not None else 1
        self._entries: dict[str, _Entry] = {}
        self._pending: dict[str, asyncio.Task[_Entry]] = {}
        self._retiring: set[asyncio.Task[None]] = set()

    @property
    def active_count(self) -> int:
        """The number of live (created and not yet disposed) instances."""
        retiring = sum(1 for task in self._retiring if not task.done())
        return len(self._entries) + retiring

    async def get(self, ctx: Any, metadata: Mapping[str, str] | None = None) -> Any:
        """Return the instance for the settings in `ctx`, creating it on first use.

        The calling asyncio task holds the instance until it ends, so a settings change disposes it only after
        the request is over.
        """
        if self.factory is None:
            return None
        entry = await self._entry(ctx, metadata or {})
        self._hold(entry)
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - get() always runs in a task
            self._release(entry)
        else:
            task.add_done_callback(lambda _: self._release(entry))
        return entry.instance

    @contextlib.asynccontextmanager
    async def use(self, ctx: Any, metadata: Mapping[str, str] | None = None) -> AsyncIterator[Any]:
        """Hold the instance for the duration of the block."""
        if self.factory is None:
            yield None
            return
        entry = await self._entry(ctx, metadata or {})
        self._hold(entry)
        try:
            yield entry.instance
        finally:
            self._release(entry)

    @staticmethod
    def _hold(entry: _Entry) -> None:
        entry.in_use += 1
        entry.idle.clear()

    @staticmethod
    def _release(entry: _Entry) -> None:
        entry.in_use -= 1
        if entry.in_use == 0:
            entry.idle.set()

    async def dispose_all(self) -> None:
        """Dispose every instance now (shutdown); later lookups create fresh ones."""
        entries = list(self._entries.values())
        self._entries.clear()
        for task in list(self._retiring):
            task.cancel()
        for entry in entries:
            await self._dispose(entry)
        if self._retiring:
            await asyncio.gather(*self._retiring, return_exceptions=True)

    async def _entry(self, ctx: Any, metadata: Mapping[str, str]) -> _Entry:
        key, version = instance_key(ctx, metadata, self.kind)
        now = time.monotonic()
        self._expire(now, getattr(ctx, "grafana_config", None) or {})
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            entry.last_access = now
            return entry
        pending = self._pending.get(key)
        if pending is None:
            # Created in its own task: a cancelled first request must not cancel the waiters behind it.
            pending = asyncio.get_running_loop().create_task(self._replace(key, ctx, version))
            self._pending[key] = pending
            pending.add_done_callback(lambda task: self._created(key, task))
        return await asyncio.shield(pending)

    def _created(self, key: str, task: asyncio.Task[_Entry]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here too, so a creation nobody awaits any more is not reported as lost

    async def _replace(self, key: str, ctx: Any, version: tuple[Any, ...]) -> _Entry:
        new = await self._create(ctx, version)
        old = self._entries.get(key)
        self._entries[key] = new
        if old is not None:
            self._retire(old)
        return new

    async def _create(self, ctx: Any, version: tuple[Any, ...]) -> _Entry:
        factory = self.factory
        if factory is None:  # pragma: no cover - get() returns early
            raise RuntimeError("No instance factory is configured.")
        args = (_settings(ctx, self.kind), ctx)[: max(self._arity, 1)]
        if inspect.iscoroutinefunction(factory):
            made = await factory(*args)
        else:
            made = await asyncio.to_thread(factory, *args)
            if inspect.isawaitable(made):
                made = await made
        instance, exit_ = await self._enter(made)
        active, total = _Gauges.get()
        active.inc()
        total.inc()
        logger.debug("Created a plugin instance.", extra={"instance_type": type(instance).__name__})
        return _Entry(instance=instance, version=version, exit=exit_)

    @staticmethod
    async def _enter(made: Any) -> tuple[Any, Callable[[], Any] | None]:
        cls = type(made)
        if hasattr(cls, "__aenter__") and hasattr(cls, "__aexit__"):
            instance = await made.__aenter__()
            return instance, lambda: made.__aexit__(None, None, None)
        if hasattr(cls, "__enter__") and hasattr(cls, "__exit__"):
            instance = await asyncio.to_thread(made.__enter__)
            return instance, lambda: asyncio.to_thread(made.__exit__, None, None, None)
        for name in ("aclose", "close", "dispose"):
            method = getattr(made, name, None)
            if callable(method):
                if inspect.iscoroutinefunction(method):
                    return made, method
                return made, lambda method=method: asyncio.to_thread(method)
        return made, None

    def _expire(self, now: float, config: Mapping[str, str]) -> None:
        toggles = config.get(_TOGGLES, "")
        if _TTL_TOGGLE not in toggles.split(","):
            return
        for key, entry in list(self._entries.items()):
            if now - entry.last_access > self.ttl and entry.in_use == 0:
                del self._entries[key]
                self._retire(entry)

    def _retire(self, entry: _Entry) -> None:
        task = asyncio.get_running_loop().create_task(self._dispose_later(entry))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def _dispose_later(self, entry: _Entry) -> None:
        try:
            if entry.in_use:
                await entry.idle.wait()
            if self.dispose_delay > 0:
                await asyncio.sleep(self.dispose_delay)
        finally:
            await asyncio.shield(self._dispose(entry))

    async def _dispose(self, entry: _Entry) -> None:
        if entry.disposed:
            return
        entry.disposed = True
        _Gauges.get()[0].dec()
        if entry.exit is None:
            return
        try:
            result = entry.exit()
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("Disposing the plugin instance `%s` failed.", type(entry.instance).__name__)
