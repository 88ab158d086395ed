"""Admission, object conversion and query conversion dispatch (no gRPC involved)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from gpctl.sdk._admission import (
    AdmissionHandlers,
    AdmissionRequest,
    ConversionQuery,
    ConversionRequest,
    ConversionResult,
    GroupVersion,
    GroupVersionKind,
    MutationResult,
    QueryConversionRequest,
    QueryConversionResult,
    RawObject,
    StatusResult,
    ValidationResult,
    parse_query_requests,
)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


REQ = AdmissionRequest(
    "CREATE", GroupVersionKind("ds.grafana.app", "v1", "DataSource"), b'{"spec":{"url":"http://x"}}'
)


def test_result_constructors() -> None:
    assert ValidationResult.allow(warnings=["old field"]) == ValidationResult(True, None, ("old field",))
    assert ValidationResult.deny("Use https.", reason="Invalid", code=422) == ValidationResult(
        False, StatusResult("Failure", "Use https.", "Invalid", 422)
    )
    assert MutationResult.allow({"a": 1}).object_bytes == b'{"a":1}'
    assert StatusResult.success() == StatusResult("Success", "", "", 200)
    assert ConversionResult.ok([b"{}", {"b": 2}, RawObject(b"x", "text/plain")]).objects == (
        RawObject(b"{}"),
        RawObject(b'{"b":2}'),
        RawObject(b"x", "text/plain"),
    )


def test_validate_and_mutate_run_sync_and_async_handlers() -> None:
    handlers = AdmissionHandlers()

    @handlers.validate_admission
    def validate(req: AdmissionRequest, ctx: object) -> ValidationResult:
        if req.object()["spec"]["url"].startswith("http://"):
            return ValidationResult.deny("Use an https:// URL.")
        return ValidationResult.allow()

    @handlers.mutate_admission
    async def mutate(req: AdmissionRequest, ctx: object) -> MutationResult:
        obj = req.object()
        obj["spec"]["url"] = obj["spec"]["url"].replace("http://", "https://")
        return MutationResult.allow(obj, warnings=["URL upgraded to https."])

    denied = run(handlers.run_validate(REQ, None))
    assert denied == ValidationResult(
        False, StatusResult("Failure", "Use an https:// URL.", "Forbidden", 403)
    )
    mutated = run(handlers.run_mutate(REQ, None))
    assert json.loads(mutated.object_bytes) == {"spec": {"url": "https://x"}}
    assert mutated.warnings == ("URL upgraded to https.",)
    assert handlers.has_admission and not handlers.has_conversion


def test_missing_handlers_raise_not_implemented() -> None:
    handlers = AdmissionHandlers()
    with pytest.raises(NotImplementedError):
        run(handlers.run_validate(REQ, None))
    with pytest.raises(NotImplementedError):
        run(handlers.run_convert(ConversionRequest("u", (), GroupVersion()), None))


def test_wrong_return_type_and_duplicates_are_explained() -> None:
    handlers = AdmissionHandlers()
    handlers.validate_admission(lambda req, ctx: True)
    with pytest.raises(TypeError) as info:
        run(handlers.run_validate(REQ, None))
    assert str(info.value) == "The validate_admission handler returned `bool`; return a `ValidationResult`."
    with pytest.raises(ValueError) as dup:
        handlers.validate_admission(lambda req, ctx: True)
    assert str(dup.value) == "A validate_admission handler is already registered."


def test_generic_conversion() -> None:
    handlers = AdmissionHandlers()

    @handlers.convert_objects
    def convert(req: ConversionRequest, ctx: object) -> ConversionResult:
        out = []
        for obj in req.objects:
            doc = obj.json()
            doc["apiVersion"] = f"{req.target_version.group}/{req.target_version.version}"
            out.append(doc)
        return ConversionResult.ok(out)

    req = ConversionRequest("uid1", (RawObject(b'{"apiVersion":"g/v1","spec":{}}'),), GroupVersion("g", "v2"))
    result = run(handlers.run_convert(req, None))
    assert [o.json() for o in result.objects] == [{"apiVersion": "g/v2", "spec": {}}]


def test_query_conversion_flattens_queries_from_every_object() -> None:
    handlers = AdmissionHandlers()
    seen: list[QueryConversionRequest] = []

    @handlers.convert_queries
    def convert(req: QueryConversionRequest, ctx: object) -> list[Any]:
        seen.append(req)
        out: list[Any] = []
        for q in req.queries:
            out.append({"refId": q.ref_id, "expr": q.json["query"], "version": 2})
            out.append(ConversionQuery(ref_id=q.ref_id + "2", json={"copy": True}))
        return out

    one = json.dumps({"queries": [{"refId": "A", "JSON": {"query": "up"}, "maxDataPoints": 10}]}).encode()
    two = json.dumps({"Queries": [{"RefID": "B", "json": {"query": "down"}}], "headers": {"h": "v"}}).encode()
    req = ConversionRequest("u", (RawObject(one), RawObject(two)), GroupVersion("q", "v2"))
    result = run(handlers.run_convert(req, None))
    assert [o.json() for o in result.objects] == [
        {"refId": "A", "expr": "up", "version": 2},
        {
            "RefID": "A2",
            "QueryType": "",
            "MaxDataPoints": 0,
            "Interval": 0,
            "TimeRange": {"From": "0001-01-01T00:00:00Z", "To": "0001-01-01T00:00:00Z"},
            "JSON": {"copy": True},
        },
        {"refId": "B", "expr": "down", "version": 2},
        {
            "RefID": "B2",
            "QueryType": "",
            "MaxDataPoints": 0,
            "Interval": 0,
            "TimeRange": {"From": "0001-01-01T00:00:00Z", "To": "0001-01-01T00:00:00Z"},
            "JSON": {"copy": True},
        },
    ]
    assert all(o.content_type == "application/json" for o in result.objects)
    assert seen[0].queries[0].max_data_points == 10
    assert seen[1].headers == {"h": "v"}


def test_unparsable_objects_fall_back_to_generic_conversion() -> None:
    handlers = AdmissionHandlers()
    handlers.convert_queries(lambda req, ctx: [])
    handlers.convert_objects(lambda req, ctx: ConversionResult.ok([b'"generic"']))
    req = ConversionRequest("u", (RawObject(b"<xml/>", "application/xml"),), GroupVersion())
    assert run(handlers.run_convert(req, None)).objects == (RawObject(b'"generic"'),)
    with pytest.raises(ValueError):
        parse_query_requests([RawObject(b'{"queries": "no"}')])


def test_query_conversion_failure_result_is_returned() -> None:
    handlers = AdmissionHandlers()
    failure = StatusResult.failure("Query version `v9` is unknown.", reason="Invalid", code=422)
    handlers.convert_queries(lambda req, ctx: QueryConversionResult((), failure))
    req = ConversionRequest("u", (RawObject(b'{"queries":[]}'),), GroupVersion())
    assert run(handlers.run_convert(req, None)) == ConversionResult((), failure)
