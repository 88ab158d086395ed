"""Registration: one handler table, mistakes raise `ConfigurationError` at once with a clear sentence."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gpctl.sdk import App, DataQuery, Datasource, Field, Frame, HealthResult, PluginContext
from gpctl.sdk.errors import ConfigurationError
from gpctl.sdk.testing import PluginClient


def test_duplicate_query_type() -> None:
    ds = Datasource("dup-datasource")

    @ds.query("a")
    def first(query: DataQuery, ctx: PluginContext) -> Frame: ...

    with pytest.raises(ConfigurationError) as caught:

        @ds.query("a")
        def second(query: DataQuery, ctx: PluginContext) -> Frame: ...

    assert str(caught.value) == (
        "A query handler for type `a` is already registered on `dup-datasource` "
        "(`test_duplicate_query_type.<locals>.first`)."
    )


def test_wrong_signature() -> None:
    ds = Datasource("sig-datasource")
    with pytest.raises(ConfigurationError) as caught:

        @ds.query("a")
        def bad(a: int, b: int, c: int) -> Frame: ...

    assert str(caught.value) == (
        "The query handler for type `a` `test_wrong_signature.<locals>.bad` must take 2 or 1 positional "
        "argument(s); its signature is `test_wrong_signature.<locals>.bad(a: 'int', b: 'int', c: 'int') -> 'Frame'`."
    )


def test_model_must_be_a_dataclass() -> None:
    ds = Datasource("model-datasource")
    with pytest.raises(ConfigurationError) as caught:
        ds.query("a", model=dict)
    assert str(caught.value) == "The query model must be a dataclass type, not `<class 'dict'>`."


def test_settings_models_must_be_dataclasses() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Datasource("x-datasource", json_data=int)
    assert str(caught.value) == "The json_data model must be a dataclass type, not `<class 'int'>`."


def test_empty_plugin_id() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Datasource("")
    assert str(caught.value) == "The plugin id must be a non-empty string, not `''`."


def test_second_health_handler() -> None:
    app = App("my-app")
    app.check_health(lambda ctx: HealthResult.ok())
    with pytest.raises(ConfigurationError) as caught:
        app.check_health(lambda ctx: HealthResult.ok())
    assert str(caught.value) == "A check_health handler is already registered on `my-app`."


def test_duplicate_stream_route() -> None:
    ds = Datasource("stream-datasource")

    @ds.stream("live/{city}")
    async def live(req: object, ctx: object) -> object:
        yield {"a": 1}

    with pytest.raises(ConfigurationError) as caught:
        ds.stream("live/{city}")
    assert str(caught.value) == "A stream handler for `live/{city}` is already registered."


@dataclass(frozen=True)
class Settings:
    greeting: str


@dataclass(frozen=True)
class Query:
    name: str


class Greeter:
    """The class-based form: one instance per datasource configuration."""

    instances = 0

    def __init__(self, settings: object) -> None:
        Greeter.instances += 1
        self.greeting = settings.json_data.greeting  # type: ignore[attr-defined]

    async def query(self, query: DataQuery[Query], ctx: PluginContext) -> Frame:
        return Frame("greeting", Field("text", [f"{self.greeting}, {query.model.name}"]))

    def check_health(self, ctx: PluginContext) -> HealthResult:
        return HealthResult.ok(f"{self.greeting} from the class")


def test_from_class_fills_the_same_table() -> None:
    ds = Datasource.from_class(Greeter, "greeter-datasource", json_data=Settings, query_model=Query)
    assert set(ds.handlers.queries) == {None}
    assert ds.handlers.check_health is not None
    with PluginClient(ds, json_data={"greeting": "Hello"}) as client:
        assert client.query("", {"name": "Ada"})["A"].frames[0].field("text").values == ["Hello, Ada"]
        assert client.query("", {"name": "Bob"})["A"].frames[0].field("text").values == ["Hello, Bob"]
        assert client.check_health() == HealthResult.ok("Hello from the class")
    assert Greeter.instances == 1


def test_from_class_without_handlers() -> None:
    class Empty:
        pass

    with pytest.raises(ConfigurationError) as caught:
        Datasource.from_class(Empty, "empty-datasource")
    assert str(caught.value) == (
        "Class `Empty` has none of the handler methods `query`, `query_data`, `check_health`."
    )
