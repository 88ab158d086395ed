"""InstanceManager: keying, exactly-once creation, disposal on settings change and at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from gpctl.sdk._instances import InstanceManager, instance_key


@dataclass
class Settings:
    id: int = 1
    uid: str = "abc"
    last_updated_ms: int = 1000


@dataclass
class Ctx:
    datasource_settings: Settings | None = field(default_factory=Settings)
    grafana_config: dict[str, str] = field(default_factory=dict)
    plugin_id: str = "myorg-test-datasource"
    org_id: int = 1
    app_settings: Any = None


class Client:
    created = 0

    def __init__(self, settings: Settings) -> None:
        Client.created += 1
        self.settings = settings
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def request(manager: InstanceManager, ctx: Ctx, metadata: dict[str, str] | None = None) -> Any:
    """One request: get() in its own task, as grpc.aio runs every RPC; the hold ends with the task."""
    return await asyncio.create_task(manager.get(ctx, metadata or {}))


def test_key_matches_go_shape_with_tenant_and_uid() -> None:
    key, version = instance_key(Ctx(), {"tenantid": "t1"}, "datasource")
    assert key == "1:abc#t1#"
    assert version == (1000, ())


def test_app_key_is_plugin_and_org_prefixed_by_tenant() -> None:
    ctx = Ctx(datasource_settings=None, app_settings=Settings())
    assert instance_key(ctx, {}, "app")[0] == "myorg-test-datasource#1"
    assert instance_key(ctx, {"tenantid": "t9"}, "app")[0] == "t9#myorg-test-datasource#1"


def test_missing_settings_is_a_sentence() -> None:
    with pytest.raises(ValueError) as info:
        instance_key(Ctx(datasource_settings=None), {}, "datasource")
    assert str(info.value) == "The request carries no datasource settings, so no instance can be looked up."


def test_proxy_key_hash_is_part_of_the_key() -> None:
    pem = "-----BEGIN EC PRIVATE KEY-----\nAAECAwQF\n-----END EC PRIVATE KEY-----\n"
    ctx = Ctx(grafana_config={"GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_KEY_VAL": pem})
    assert instance_key(ctx, {}, "datasource")[0] == "1:abc##AwQF"


def test_no_factory_gives_none() -> None:
    assert run(InstanceManager(None).get(Ctx(), {})) is None


def test_fifty_concurrent_first_requests_create_exactly_once() -> None:
    calls = 0

    async def factory(settings: Settings) -> object:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return object()

    async def main() -> None:
        manager = InstanceManager(factory)
        got = await asyncio.gather(*(manager.get(Ctx(), {}) for _ in range(50)))
        assert len({id(x) for x in got}) == 1
        assert manager.active_count == 1

    run(main())
    assert calls == 1


def test_sync_class_factory_runs_once_per_configuration_and_tenant() -> None:
    Client.created = 0

    async def main() -> None:
        manager = InstanceManager(Client)
        a = await manager.get(Ctx(), {})
        assert await manager.get(Ctx(), {}) is a
        b = await manager.get(Ctx(datasource_settings=Settings(id=2, uid="def")), {})
        c = await manager.get(Ctx(), {"tenantid": "other"})
        assert len({id(a), id(b), id(c)}) == 3
        assert manager.active_count == 3
        await manager.dispose_all()
        assert a.closed and b.closed and c.closed
        assert manager.active_count == 0

    run(main())
    assert Client.created == 3


def test_settings_change_replaces_and_disposes_after_in_flight_request() -> None:
    async def main() -> None:
        manager = InstanceManager(Client)
        async with manager.use(Ctx(), {}) as old:
            new = await manager.get(Ctx(datasource_settings=Settings(last_updated_ms=2000)), {})
            assert new is not old
            await asyncio.sleep(0.02)
            assert not old.closed  # the request using it is still running
        await asyncio.sleep(0.02)
        assert old.closed and not new.closed
        assert manager.active_count == 1

    run(main())


def test_grafana_config_change_replaces_the_instance() -> None:
    async def main() -> None:
        manager = InstanceManager(Client)
        old = await request(manager, Ctx())
        new = await request(manager, Ctx(grafana_config={"GF_APP_URL": "http://grafana"}))
        assert new is not old
        await asyncio.sleep(0.01)
        assert old.closed and not new.closed

    run(main())


def test_async_context_manager_factory_is_entered_and_exited() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def connect(settings: Settings) -> AsyncIterator[str]:
        events.append(f"open {settings.last_updated_ms}")
        try:
            yield f"conn-{settings.last_updated_ms}"
        finally:
            events.append(f"close {settings.last_updated_ms}")

    async def main() -> None:
        manager = InstanceManager(connect)
        assert await request(manager, Ctx()) == "conn-1000"
        assert await request(manager, Ctx(datasource_settings=Settings(last_updated_ms=5))) == "conn-5"
        await asyncio.sleep(0.01)
        await manager.dispose_all()

    run(main())
    assert events == ["open 1000", "open 5", "close 1000", "close 5"]


def test_get_holds_the_instance_until_the_request_task_ends() -> None:
    async def main() -> None:
        manager = InstanceManager(Client)
        release = asyncio.Event()
        got: list[Client] = []

        async def slow_request() -> None:
            got.append(await manager.get(Ctx(), {}))
            await release.wait()

        task = asyncio.create_task(slow_request())
        await asyncio.sleep(0.01)
        new = await request(manager, Ctx(datasource_settings=Settings(last_updated_ms=9)))
        await asyncio.sleep(0.01)
        assert got[0] is not new and not got[0].closed  # still in use by the slow request
        release.set()
        await task
        await asyncio.sleep(0.01)
        assert got[0].closed and not new.closed

    run(main())


def test_factory_receives_context_when_it_takes_two_arguments() -> None:
    def factory(settings: Settings, ctx: Ctx) -> str:
        return f"{settings.uid}/{ctx.plugin_id}"

    assert run(InstanceManager(factory).get(Ctx(), {})) == "abc/myorg-test-datasource"


def test_factory_error_reaches_every_waiter_and_is_retried() -> None:
    attempts = 0

    async def factory(settings: Settings) -> str:
        nonlocal attempts
        attempts += 1
        await asyncio.sleep(0.01)
        if attempts == 1:
            raise ConnectionError("refused")
        return "ok"

    async def main() -> None:
        manager = InstanceManager(factory)
        results = await asyncio.gather(*(manager.get(Ctx(), {}) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, ConnectionError) for r in results)
        assert await manager.get(Ctx(), {}) == "ok"

    run(main())
    assert attempts == 2


def test_ttl_toggle_expires_idle_instances() -> None:
    config = {"GF_INSTANCE_FEATURE_TOGGLES_ENABLE": "foo,ttlPluginInstanceManager"}

    async def main() -> None:
        manager = InstanceManager(Client, ttl=0.01)
        first = await request(manager, Ctx(grafana_config=config))
        await asyncio.sleep(0.05)
        second = await request(manager, Ctx(grafana_config=config))
        assert second is not first
        await asyncio.sleep(0.01)
        assert first.closed

    run(main())


def test_dispose_errors_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def __init__(self, settings: Settings) -> None:
            pass

        def close(self) -> None:
            raise RuntimeError("boom")

    async def main() -> None:
        manager = InstanceManager(Broken)
        await manager.get(Ctx(), {})
        await manager.dispose_all()

    run(main())
    assert [r.getMessage() for r in caplog.records] == ["Disposing the plugin instance `Broken` failed."]


def test_active_instances_gauge_is_registered() -> None:
    from prometheus_client import REGISTRY, generate_latest

    async def main() -> None:
        manager = InstanceManager(Client)
        await manager.get(Ctx(datasource_settings=Settings(id=77)), {})
        text = generate_latest(REGISTRY).decode()
        assert "plugins_active_instances" in text
        assert "plugins_datasource_instances_total" in text
        await manager.dispose_all()

    run(main())


def test_bad_kind_is_rejected() -> None:
    with pytest.raises(ValueError) as info:
        InstanceManager(Client, "panel")  # type: ignore[arg-type]
    assert str(info.value) == "Instance kind must be `datasource` or `app`, not `panel`."
