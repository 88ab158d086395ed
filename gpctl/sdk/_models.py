"""Parse JSON objects (query models, jsonData, secureJsonData) into the plugin's dataclasses.

Keys match a field by its name or its camelCase spelling (`base_url` or `baseUrl`); unknown keys are ignored,
because Grafana adds its own (`refId`, `datasource`, ...). Values are checked against the field's annotation
(str, int, float, bool, lists, dicts, optionals, literals, enums, nested dataclasses); a mismatch raises
`ModelError` with a sentence naming the field.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, Union

__all__ = ["ModelError", "camel", "check_model", "parse_model"]

T = TypeVar("T")
_MISSING = object()


class ModelError(ValueError):
    """A JSON object does not fit the declared dataclass; the message names the field."""

    @property
    def clause(self) -> str:
        """The message to follow a colon: its first letter lowercased."""
        text = str(self)
        return text[:1].lower() + text[1:]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check_model(model: Any, what: str) -> None:
    """Raise `TypeError` unless `model` is a dataclass type (used at registration)."""
    if not (isinstance(model, type) and dataclasses.is_dataclass(model)):
        raise TypeError(f"The {what} must be a dataclass type, not `{model!r}`.")
    _hints(model)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(model: type) -> dict[str, Any]:
    hints = _HINTS.get(model)
    if hints is None:
        hints = _HINTS[model] = typing.get_type_hints(model)
    return hints


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _json_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _convert(value: Any, tp: Any, path: str) -> Any:
    if tp is Any or tp is object:
        return value
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(value, arg, path)
            except ModelError as exc:
                errors.append(exc)
        raise (
            errors[0]
            if len(errors) == 1
            else ModelError(f"Field `{path}` has an unexpected value ({_json_name(value)}).")
        )
    if origin is Literal:
        if value in args:
            return value
        allowed = ", ".join(f"`{a}`" for a in args)
        raise ModelError(f"Field `{path}` must be one of {allowed}, not `{value}`.")
    if origin in (list, tuple, set, frozenset) or tp in (list, tuple, set, frozenset):
        if not isinstance(value, list):
            raise ModelError(f"Field `{path}` must be a list, not {_json_name(value)}.")
        item = args[0] if args else Any
        items = [_convert(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        container = origin or tp
        return items if container is list else container(items)
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        if not isinstance(value, dict):
            raise ModelError(f"Field `{path}` must be an object, not {_json_name(value)}.")
        item = args[1] if len(args) == 2 else Any
        return {k: _convert(v, item, f"{path}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ModelError(f"Field `{path}` must be an object, not {_json_name(value)}.")
        return _build(tp, value, f"{path}.")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(f"`{m.value}`" for m in tp)
            raise ModelError(f"Field `{path}` must be one of {allowed}, not `{value}`.") from None
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ModelError(f"Field `{path}` must be a boolean, not {_json_name(value)}.")
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ModelError(f"Field `{path}` must be a number, not {_json_name(value)}.")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ModelError(f"Field `{path}` must be an integer, not {_json_name(value)}.")
    if tp is str:
        if isinstance(value, str):
            return value
        raise ModelError(f"Field `{path}` must be a string, not {_json_name(value)}.")
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ModelError(f"Field `{path}` must be {_type_name(tp)}, not {_json_name(value)}.")
    return value


def _build(model: type[T], data: Mapping[str, Any], prefix: str) -> T:
    hints = _hints(model)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(model):  # type: ignore[arg-type]
        if not f.init:
            continue
        raw = data.get(f.name, _MISSING)
        if raw is _MISSING:
            raw = data.get(camel(f.name), _MISSING)
        if raw is _MISSING:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ModelError(f"Field `{prefix}{f.name}` is required but missing.")
            continue
        kwargs[f.name] = _convert(raw, hints.get(f.name, Any), f"{prefix}{f.name}")
    return model(**kwargs)


def parse_model(model: type[T], data: Any) -> T:
    """Build `model` from a decoded JSON object; raise `ModelError` naming the offending field."""
    if not isinstance(data, dict):
        raise ModelError(f"Expected a JSON object for `{model.__name__}`, not {_json_name(data)}.")
    return _build(model, data, "")
