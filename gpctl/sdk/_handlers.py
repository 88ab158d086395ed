"""Handler checks at registration and the sync → async adaptation (sync handlers run in a worker thread)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from gpctl.sdk.errors import ConfigurationError

__all__ = ["AsyncHandler", "as_async", "call_handler", "check_arity", "describe"]

AsyncHandler = Callable[..., Awaitable[Any]]


def describe(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def check_arity(fn: Any, what: str, allowed: tuple[int, ...]) -> int:
    """The largest count in `allowed` that `fn` accepts as positional arguments.

    Raise `ConfigurationError` unless `fn` is callable with one of them (one `inspect.signature` per handler).
    """
    if not callable(fn):
        raise ConfigurationError(f"The {what} must be a function, not `{type(fn).__name__}`.")
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return max(allowed)
    params = list(sig.parameters.values())
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return max(allowed)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    kw_required = [p for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    fits = [n for n in allowed if len(required) <= n <= len(positional)]
    if not kw_required and fits:
        return max(fits)
    names = " or ".join(str(n) for n in allowed)
    raise ConfigurationError(
        f"The {what} `{describe(fn)}` must take {names} positional argument(s); "
        f"its signature is `{describe(fn)}{sig}`."
    )


def _is_async(fn: Any) -> bool:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.iscoroutinefunction(fn) or (
        not inspect.isfunction(fn) and inspect.iscoroutinefunction(type(fn).__call__)
    )


def as_async(fn: Callable[..., Any], n_args: int) -> AsyncHandler:
    """Adapt `fn` to `async (*args)`, passing only its first `n_args` arguments; sync code runs in a thread."""
    if _is_async(fn):

        async def call_async(*args: Any) -> Any:
            result = fn(*args[:n_args])
            return await result if inspect.isawaitable(result) else result

        return call_async

    async def call_sync(*args: Any) -> Any:
        import asyncio

        result = await asyncio.to_thread(fn, *args[:n_args])
        return await result if inspect.isawaitable(result) else result

    return call_sync


async def call_handler(fn: Callable[..., Any], *args: Any) -> Any:
    """Call `fn(*args)`, sync or async (sync code runs in a thread), and await what it returns if awaitable."""
    import asyncio

    if inspect.iscoroutinefunction(fn):
        return await fn(*args)
    result = await asyncio.to_thread(fn, *args)
    return await result if inspect.isawaitable(result) else result
