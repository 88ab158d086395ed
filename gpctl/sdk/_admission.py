"""Admission control and object conversion (experimental in Grafana), shaped like Kubernetes webhooks.

    @ds.validate_admission
    def validate(req: AdmissionRequest, ctx: PluginContext) -> ValidationResult:
        spec = req.object().get("spec", {})
        if spec.get("url", "").startswith("http://"):
            return ValidationResult.deny("Use an https:// URL.", reason="Invalid", code=422)
        return ValidationResult.allow()

    @ds.mutate_admission
    def mutate(req: AdmissionRequest, ctx: PluginContext) -> MutationResult: ...

    @ds.convert_objects
    def convert(req: ConversionRequest, ctx: PluginContext) -> ConversionResult: ...

    @ds.convert_queries
    def convert_queries(req: QueryConversionRequest, ctx: PluginContext) -> list[dict[str, Any]]: ...

Query conversion rides on `ConvertObjects` like in the Go SDK: when a query-conversion handler is registered, every
object must be `application/json` holding a `QueryDataRequest` (Go's JSON shape, keys matched case-insensitively);
the handler's queries from all objects are flattened into the response, one JSON object each. If the objects do
not parse that way, the generic `convert_objects` handler runs instead. Handlers may be sync or async.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from gpctl.sdk._handlers import call_handler

__all__ = [
    "AdmissionHandlers",
    "AdmissionRequest",
    "ConversionQuery",
    "ConversionRequest",
    "ConversionResult",
    "GroupVersion",
    "GroupVersionKind",
    "MutationResult",
    "QueryConversionRequest",
    "QueryConversionResult",
    "RawObject",
    "StatusResult",
    "ValidationResult",
]

Operation = Literal["CREATE", "UPDATE", "DELETE"]
OPERATIONS: tuple[Operation, ...] = ("CREATE", "UPDATE", "DELETE")
JSON_CONTENT_TYPE = "application/json"
F = TypeVar("F", bound=Callable[..., Any])


def _to_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass(frozen=True)
class StatusResult:
    """A Kubernetes-style status: `status` is `Success` or `Failure`, `code` an HTTP status."""

    status: Literal["Success", "Failure"]
    message: str = ""
    reason: str = ""
    code: int = 0

    @classmethod
    def success(cls, message: str = "") -> StatusResult:
        return cls("Success", message, "", 200)

    @classmethod
    def failure(cls, message: str, *, reason: str = "BadRequest", code: int = 400) -> StatusResult:
        return cls("Failure", message, reason, code)


@dataclass(frozen=True)
class GroupVersionKind:
    group: str = ""
    version: str = ""
    kind: str = ""


@dataclass(frozen=True)
class GroupVersion:
    group: str = ""
    version: str = ""


@dataclass(frozen=True)
class AdmissionRequest:
    """An object being created, updated or deleted; `object()`/`old_object()` parse its JSON bytes."""

    operation: Operation
    kind: GroupVersionKind
    object_bytes: bytes = b""
    old_object_bytes: bytes = b""

    def object(self) -> Any:
        return json.loads(self.object_bytes) if self.object_bytes else None

    def old_object(self) -> Any:
        return json.loads(self.old_object_bytes) if self.old_object_bytes else None


@dataclass(frozen=True)
class ValidationResult:
    allowed: bool
    result: StatusResult | None = None
    warnings: tuple[str, ...] = ()

    @classmethod
    def allow(cls, *, warnings: Iterable[str] = ()) -> ValidationResult:
        return cls(True, None, tuple(warnings))

    @classmethod
    def deny(
        cls, message: str, *, reason: str = "Forbidden", code: int = 403, warnings: Iterable[str] = ()
    ) -> ValidationResult:
        return cls(False, StatusResult.failure(message, reason=reason, code=code), tuple(warnings))


@dataclass(frozen=True)
class MutationResult:
    allowed: bool
    result: StatusResult | None = None
    warnings: tuple[str, ...] = ()
    object_bytes: bytes = b""

    @classmethod
    def allow(cls, obj: Any, *, warnings: Iterable[str] = ()) -> MutationResult:
        """Admit the (possibly changed) object: bytes as given, anything else encoded as JSON."""
        return cls(True, None, tuple(warnings), _to_bytes(obj))

    @classmethod
    def deny(
        cls, message: str, *, reason: str = "Forbidden", code: int = 403, warnings: Iterable[str] = ()
    ) -> MutationResult:
        return cls(False, StatusResult.failure(message, reason=reason, code=code), tuple(warnings))


@dataclass(frozen=True)
class RawObject:
    raw: bytes
    content_type: str = JSON_CONTENT_TYPE

    def json(self) -> Any:
        return json.loads(self.raw)


@dataclass(frozen=True)
class ConversionRequest:
    uid: str
    objects: tuple[RawObject, ...]
    target_version: GroupVersion


@dataclass(frozen=True)
class ConversionResult:
    objects: tuple[RawObject, ...] = ()
    result: StatusResult | None = None

    @classmethod
    def ok(cls, objects: Iterable[Any]) -> ConversionResult:
        """Converted objects: `RawObject`s, bytes, or JSON-able values (sent as `application/json`)."""
        return cls(tuple(o if isinstance(o, RawObject) else RawObject(_to_bytes(o)) for o in objects))

    @classmethod
    def fail(cls, message: str, *, reason: str = "BadRequest", code: int = 400) -> ConversionResult:
        return cls((), StatusResult.failure(message, reason=reason, code=code))


@dataclass(frozen=True)
class ConversionQuery:
    """One query of a `QueryDataRequest` to convert; `json` is the parsed query model."""

    ref_id: str = ""
    query_type: str = ""
    max_data_points: int = 0
    interval_ns: int = 0
    time_from: str = ""
    time_to: str = ""
    json: Any = None

    def to_json_object(self) -> dict[str, Any]:
        """The Go SDK's JSON shape of a `backend.DataQuery`."""
        zero = "0001-01-01T00:00:00Z"
        return {
            "RefID": self.ref_id,
            "QueryType": self.query_type,
            "MaxDataPoints": self.max_data_points,
            "Interval": self.interval_ns,
            "TimeRange": {"From": self.time_from or zero, "To": self.time_to or zero},
            "JSON": self.json,
        }


@dataclass(frozen=True)
class QueryConversionRequest:
    queries: tuple[ConversionQuery, ...]
    headers: Mapping[str, str] = field(default_factory=dict)
    target_version: GroupVersion = field(default_factory=GroupVersion)


@dataclass(frozen=True)
class QueryConversionResult:
    queries: tuple[Any, ...] = ()
    result: StatusResult | None = None

    @classmethod
    def ok(cls, queries: Iterable[Any]) -> QueryConversionResult:
        return cls(tuple(queries))


def _ci(obj: Mapping[str, Any], name: str) -> Any:
    """Look `name` up case-insensitively, like Go's encoding/json."""
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for key, value in obj.items():
        if key.lower() == lowered:
            return value
    return None


def _typed(value: Any, kind: type | tuple[type, ...], default: Any) -> Any:
    if value is None:
        return default
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError("wrong type")
    return value


def parse_query_requests(
    objects: Sequence[RawObject],
) -> list[tuple[tuple[ConversionQuery, ...], dict[str, str]]]:
    """Parse every object as a Go `QueryDataRequest`; raise `ValueError` when one does not parse."""
    parsed = []
    for obj in objects:
        if obj.content_type != JSON_CONTENT_TYPE:
            raise ValueError(f"unsupported content type {obj.content_type}")
        doc = json.loads(obj.raw)
        if not isinstance(doc, dict):
            raise ValueError("not an object")
        headers = _typed(_ci(doc, "Headers"), dict, {})
        queries = []
        for q in _typed(_ci(doc, "Queries"), list, []):
            if not isinstance(q, dict):
                raise ValueError("query is not an object")
            time_range = _typed(_ci(q, "TimeRange"), dict, {})
            queries.append(
                ConversionQuery(
                    ref_id=_typed(_ci(q, "RefID"), str, ""),
                    query_type=_typed(_ci(q, "QueryType"), str, ""),
                    max_data_points=_typed(_ci(q, "MaxDataPoints"), int, 0),
                    interval_ns=_typed(_ci(q, "Interval"), int, 0),
                    time_from=_typed(_ci(time_range, "From"), str, ""),
                    time_to=_typed(_ci(time_range, "To"), str, ""),
                    json=_ci(q, "JSON"),
                )
            )
        parsed.append((tuple(queries), {str(k): str(v) for k, v in headers.items()}))
    return parsed


def _expect(result: Any, kind: type, what: str) -> Any:
    if not isinstance(result, kind):
        raise TypeError(f"The {what} handler returned `{type(result).__name__}`; return a `{kind.__name__}`.")
    return result


class AdmissionHandlers:
    """The admission/conversion handlers of one plugin; the decorators return the function unchanged."""

    def __init__(self) -> None:
        self.validate: Callable[..., Any] | None = None
        self.mutate: Callable[..., Any] | None = None
        self.convert: Callable[..., Any] | None = None
        self.convert_query: Callable[..., Any] | None = None

    @property
    def has_admission(self) -> bool:
        return self.validate is not None or self.mutate is not None

    @property
    def has_conversion(self) -> bool:
        return self.convert is not None or self.convert_query is not None

    def _set(self, attr: str, fn: F, name: str) -> F:
        if not callable(fn):
            raise TypeError(f"The {name} handler must be a function, not `{type(fn).__name__}`.")
        if getattr(self, attr) is not None:
            raise ValueError(f"A {name} handler is already registered.")
        setattr(self, attr, fn)
        return fn

    def validate_admission(self, fn: F) -> F:
        return self._set("validate", fn, "validate_admission")

    def mutate_admission(self, fn: F) -> F:
        return self._set("mutate", fn, "mutate_admission")

    def convert_objects(self, fn: F) -> F:
        return self._set("convert", fn, "convert_objects")

    def convert_queries(self, fn: F) -> F:
        return self._set("convert_query", fn, "convert_queries")

    async def run_validate(self, req: AdmissionRequest, ctx: Any) -> ValidationResult:
        if self.validate is None:
            raise NotImplementedError("validate_admission")
        result: ValidationResult = _expect(
            await call_handler(self.validate, req, ctx), ValidationResult, "validate_admission"
        )
        return result

    async def run_mutate(self, req: AdmissionRequest, ctx: Any) -> MutationResult:
        if self.mutate is None:
            raise NotImplementedError("mutate_admission")
        result: MutationResult = _expect(
            await call_handler(self.mutate, req, ctx), MutationResult, "mutate_admission"
        )
        return result

    async def run_convert(self, req: ConversionRequest, ctx: Any) -> ConversionResult:
        if self.convert_query is not None:
            try:
                requests = parse_query_requests(req.objects)
            except ValueError:
                requests = None
            if requests is not None:
                return await self._convert_queries(self.convert_query, requests, req.target_version, ctx)
        if self.convert is None:
            raise NotImplementedError("convert_objects")
        result: ConversionResult = _expect(
            await call_handler(self.convert, req, ctx), ConversionResult, "convert_objects"
        )
        return result

    @staticmethod
    async def _convert_queries(
        handler: Callable[..., Any],
        requests: list[tuple[tuple[ConversionQuery, ...], dict[str, str]]],
        target: GroupVersion,
        ctx: Any,
    ) -> ConversionResult:
        converted: list[Any] = []
        for queries, headers in requests:
            out = await call_handler(handler, QueryConversionRequest(queries, headers, target), ctx)
            if isinstance(out, QueryConversionResult):
                if out.result is not None and out.result.status == "Failure":
                    return ConversionResult((), out.result)
                out = out.queries
            if isinstance(out, dict | str | bytes) or not isinstance(out, Iterable):
                raise TypeError(
                    f"The convert_queries handler returned `{type(out).__name__}`; "
                    "return a list of queries or a `QueryConversionResult`."
                )
            converted.extend(out)
        objects = [
            RawObject(_to_bytes(q.to_json_object() if isinstance(q, ConversionQuery) else q))
            for q in converted
        ]
        return ConversionResult(tuple(objects))
