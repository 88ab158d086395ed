"""QueryData through the real gRPC server in-process: fan-out, per-refId errors, typed models."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass

import pytest

from gpctl.sdk import DataQuery, DataResponse, Datasource, Field, Frame, PluginContext, QueryDataRequest
from gpctl.sdk.errors import DownstreamError, QueryError
from gpctl.sdk.testing import PluginClient


@dataclass(frozen=True)
class CityQuery:
    city: str
    days: int = 1


@dataclass(frozen=True)
class Secure:
    api_key: str


def make() -> Datasource:
    ds = Datasource("test-datasource", secure_json_data=Secure)

    @ds.query("city", model=CityQuery)
    async def city(query: DataQuery[CityQuery], ctx: PluginContext) -> Frame:
        return Frame(query.model.city, Field("days", [query.model.days]))

    @ds.query("sync")
    def sync(query: DataQuery, ctx: PluginContext) -> list[Frame]:
        assert threading.current_thread() is not threading.main_thread()
        return [Frame("one", Field("v", [1])), Frame("two", Field("v", [2]))]

    @ds.query("boom")
    def boom(query: DataQuery, ctx: PluginContext) -> Frame:
        raise RuntimeError(f"leaking {ctx.settings.secure_json_data.api_key}")  # type: ignore[union-attr]

    @ds.query("user-error")
    def user_error(query: DataQuery) -> Frame:
        raise QueryError("The city `Atlantis` does not exist.", status=404)

    @ds.query("downstream")
    async def downstream(query: DataQuery, ctx: PluginContext) -> Frame:
        raise DownstreamError("The weather API answered 503.")

    @ds.query("response")
    def response(query: DataQuery, ctx: PluginContext) -> DataResponse:
        return DataResponse(error="Partial data.", status=206, frames=[Frame("p", Field("v", [1.5]))])

    @ds.query("slow")
    async def slow(query: DataQuery, ctx: PluginContext) -> Frame:
        await asyncio.sleep(0.3)
        return Frame("slow", Field("v", [query.json["n"]]))

    return ds


@pytest.fixture(scope="module")
def client() -> PluginClient:
    with PluginClient(make(), secure_json_data={"api_key": "top-secret-1"}) as c:
        yield c  # type: ignore[misc]


def test_typed_model_and_ref_id(client: PluginClient) -> None:
    result = client.query("city", {"city": "Oslo", "days": 3, "refId": "Q"}, ref_id="Q")
    assert list(result) == ["Q"]
    assert result["Q"].status == 200
    frame = result["Q"].frames[0]
    assert (frame.name, frame.ref_id, frame.field("days").values) == ("Oslo", "Q", [3])


def test_camel_case_keys_and_json_format(client: PluginClient) -> None:
    result = client.query("city", {"city": "Rome"}, format="json")
    assert result["A"].frames[0].field("days").values == [1]


def test_missing_field_is_a_400_naming_the_field(client: PluginClient) -> None:
    result = client.query("city", {"days": 2})
    assert (result["A"].status, result["A"].error, result["A"].error_source) == (
        400,
        "Query `A` does not fit `CityQuery`: field `city` is required but missing.",
        "plugin",
    )


def test_wrong_type_is_a_400_naming_the_field(client: PluginClient) -> None:
    result = client.query("city", {"city": "Oslo", "days": "three"})
    assert (
        result["A"].error
        == "Query `A` does not fit `CityQuery`: field `days` must be an integer, not a string."
    )


def test_bad_json_is_a_400(client: PluginClient) -> None:
    result = client.query("city", b'{"city": ')
    assert result["A"].status == 400
    assert result["A"].error.startswith("Query `A`: the query JSON is not valid JSON (")


def test_exception_fails_only_its_ref_id_and_hides_the_text(
    client: PluginClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="gpctl.sdk")
    result = client.query_many(
        [
            {"ref_id": "A", "query_type": "boom"},
            {"ref_id": "B", "query_type": "sync"},
            {"ref_id": "C", "query_type": "user-error"},
            {"ref_id": "D", "query_type": "downstream"},
            {"ref_id": "E", "query_type": "nope"},
            {"ref_id": "F", "query_type": "response"},
        ]
    )
    assert (result["A"].status, result["A"].error, result["A"].error_source) == (
        500,
        "Internal error in query handler.",
        "plugin",
    )
    assert [f.name for f in result["B"].frames] == ["one", "two"] and result["B"].status == 200
    assert (result["C"].status, result["C"].error) == (404, "The city `Atlantis` does not exist.")
    assert (result["D"].status, result["D"].error, result["D"].error_source) == (
        500,
        "The weather API answered 503.",
        "downstream",
    )
    assert result["E"].status == 400
    assert result["E"].error.startswith("No handler for query type `nope`; registered types: `city`, `sync`")
    assert (result["F"].status, result["F"].error, len(result["F"].frames)) == (206, "Partial data.", 1)
    [record] = [r for r in caplog.records if r.getMessage() == "Query handler failed."]
    assert record.refId == "A"  # type: ignore[attr-defined]
    assert "RuntimeError: leaking ***" in record.error  # type: ignore[attr-defined]
    assert "top-secret-1" not in caplog.text
    assert all("top-secret-1" not in str(vars(r)) for r in caplog.records)


def test_queries_of_a_batch_run_concurrently(client: PluginClient) -> None:
    import time

    started = time.monotonic()
    result = client.query_many(
        [{"ref_id": r, "query_type": "slow", "model": {"n": i}} for i, r in enumerate("ABCDE")]
    )
    assert time.monotonic() - started < 1.2
    assert {r: q.frames[0].field("v").values for r, q in result.items()} == {
        "A": [0],
        "B": [1],
        "C": [2],
        "D": [3],
        "E": [4],
    }


def test_query_data_escape_hatch() -> None:
    ds = Datasource("batch-datasource")

    @ds.query_data
    def batch(request: QueryDataRequest, ctx: PluginContext) -> dict[str, object]:
        return {q.ref_id: Frame(q.query_type, Field("n", [len(request.queries)])) for q in request.queries}

    with PluginClient(ds) as client:
        result = client.query_many([{"ref_id": "A", "query_type": "x"}, {"ref_id": "B", "query_type": "y"}])
    assert {r: (q.frames[0].name, q.frames[0].field("n").values) for r, q in result.items()} == {
        "A": ("x", [2]),
        "B": ("y", [2]),
    }


def test_fallback_handler_receives_every_type() -> None:
    ds = Datasource("fallback-datasource")

    @ds.query()
    def anything(query: DataQuery[dict[str, object]]) -> Frame:
        return Frame(query.query_type or "none", Field("keys", [len(query.model)]))

    with PluginClient(ds) as client:
        assert client.query("whatever", {"a": 1})["A"].frames[0].name == "whatever"


def counting_datasource(plugin_id: str) -> tuple[Datasource, dict[str, int]]:
    """A datasource whose `q` queries take 50 ms and count how many run at once (`running["max"]`)."""
    ds = Datasource(plugin_id)
    running = {"now": 0, "max": 0}

    @ds.query("q")
    async def q(query: DataQuery, ctx: PluginContext) -> Frame:
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        await asyncio.sleep(0.05)
        running["now"] -= 1
        return Frame("q", Field("v", [1]))

    return ds, running


def test_concurrency_follows_grafanas_advice() -> None:
    ds, running = counting_datasource("limit-datasource")
    with PluginClient(ds, grafana_config={"GF_CONCURRENT_QUERY_COUNT": "2"}) as client:
        result = client.query_many([{"ref_id": str(i), "query_type": "q"} for i in range(6)])
    assert len(result) == 6 and all(r.status == 200 for r in result.values())
    assert running["max"] == 2


def test_failing_query_data_handler_fails_every_ref_id() -> None:
    ds = Datasource("batch-fail-datasource")

    @ds.query_data
    def batch(request: QueryDataRequest, ctx: PluginContext) -> dict[str, object]:
        raise QueryError("The batch is too large.", status=413)

    with PluginClient(ds) as client:
        result = client.query_many([{"ref_id": "A"}, {"ref_id": "B"}])
    assert {r: (q.status, q.error) for r, q in result.items()} == {
        "A": (413, "The batch is too large."),
        "B": (413, "The batch is too large."),
    }


def test_headers_reach_the_context() -> None:
    ds = Datasource("headers-datasource")

    @ds.query("h")
    def h(query: DataQuery, ctx: PluginContext) -> Frame:
        assert "Bearer abc" not in repr(ctx)
        return Frame(
            "h", Field("auth", [ctx.headers["Authorization"]]), Field("q", [query.headers["Authorization"]])
        )

    with PluginClient(ds) as client:
        result = client.query("h", headers={"Authorization": "Bearer abc"})
    assert result["A"].frames[0].field("auth").values == ["Bearer abc"]
    assert result["A"].frames[0].field("q").values == ["Bearer abc"]


def test_slow_sync_handlers_do_not_queue_behind_each_other() -> None:
    import time

    ds = Datasource("threads-datasource")

    @ds.query("sleep")
    def sleep(query: DataQuery) -> Frame:
        time.sleep(0.5)
        return Frame("s", Field("v", [1]))

    with PluginClient(ds) as client:
        started = time.monotonic()
        result = client.query_many([{"ref_id": str(i), "query_type": "sleep"} for i in range(10)])
        assert time.monotonic() - started < 0.95  # asyncio's default of cpu+4 threads would need two rounds
    assert len(result) == 10


def test_chunked_queries_follow_grafanas_concurrency_advice() -> None:
    from gpctl.sdk._protocol._chunked import query_chunked

    ds, running = counting_datasource("chunked-limit-datasource")
    with PluginClient(ds, grafana_config={"GF_CONCURRENT_QUERY_COUNT": "2"}) as client:
        queries = [{"ref_id": str(i), "query_type": "q", "model": {}, "time_range": (0, 1)} for i in range(6)]
        chunks, code = query_chunked(client._ready().channel, client._ctx(), queries)
    assert code == "" and sorted(c.ref_id for c in chunks) == ["0", "1", "2", "3", "4", "5"]
    assert running["max"] == 2


def test_chunked_queries_are_served_by_a_batch_handler() -> None:
    ds = Datasource("chunked-batch-datasource")

    @ds.query_data
    def batch(request: QueryDataRequest, ctx: PluginContext) -> dict[str, object]:
        return {q.ref_id: Frame(q.ref_id, Field("v", [1.0])) for q in request.queries}

    with PluginClient(ds) as client:
        chunks = client.query_chunked("x", ref_id="B")
    assert [(c.ref_id, c.frame_id, c.status) for c in chunks] == [("B", "B/0", 200)]
    assert chunks[0].frame is not None and chunks[0].frame.name == "B"
