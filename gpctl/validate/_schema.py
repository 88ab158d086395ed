"""plugin.json against Grafana's official JSON schema (bundled; see `schema/SOURCE.md`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

__all__ = ["SCHEMA_SOURCE", "load_schema", "plugin_json_errors"]

SCHEMA_SOURCE = (
    "grafana/grafana docs/sources/developers/plugins/plugin.schema.json "
    "(synced by grafana/plugin-validator c5c6291, 2026-07-13)"
)

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_PATTERN_MEANINGS = {
    "id": "a lowercase id `<org>-<name>-<type>` ending in `-app`, `-panel` or `-datasource`",
    "version": "a semver version such as `1.0.0`, or `%VERSION%`",
    "updated": "a date `YYYY-MM-DD`, or `%TODAY%`",
    "grafanaDependency": "a semver range such as `>=12.3.0`",
    "grafanaVersion": "a version such as `12.3`",
    "pascalName": "a PascalCase name such as `WeatherDatasource`",
}
_TYPE_NAMES = {
    "string": "a string",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "number": "a number",
    "integer": "an integer",
    "null": "null",
}


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """Return the bundled plugin.json schema (parsed once)."""
    text = resources.files("gpctl.validate").joinpath("schema/plugin.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if any(ch.isspace() or ord(ch) < 0x20 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(_SCHEME.match(parts.scheme))


@lru_cache(maxsize=1)
def _validator() -> Validator:
    from jsonschema import Draft7Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("email")(_is_email)
    checker.checks("uri")(_is_uri)
    return Draft7Validator(load_schema(), format_checker=checker)


def _path(parts: Iterable[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(expected: object) -> str:
    if isinstance(expected, list):
        return " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
    return _TYPE_NAMES.get(str(expected), str(expected))


def _messages(error: ValidationError) -> list[str]:
    parts = list(error.absolute_path)
    where = _path(parts) or "(root)"
    keyword = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if keyword == "required":
        present = instance if isinstance(instance, Mapping) else {}
        return [
            f"`{_path([*parts, name])}`: required property is missing."
            for name in value
            if name not in present
        ]
    if keyword == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in allowed)
        return [
            f"`{_path([*parts, name])}`: unknown property; `{where}` allows only the properties in the schema."
            for name in extra
        ]
    if keyword == "type":
        return [f"`{where}`: expected {_type_name(value)}, got `{_show(instance)}`."]
    if keyword == "enum":
        choices = ", ".join(f"`{_show(v)}`" for v in value)
        return [f"`{where}`: expected one of {choices}, got `{_show(instance)}`."]
    if keyword == "pattern":
        last = next((p for p in reversed(parts) if isinstance(p, str)), "")
        expected = _PATTERN_MEANINGS.get(last, f"a string matching `{value}`")
        return [f"`{where}`: expected {expected}, got `{_show(instance)}`."]
    if keyword == "minItems":
        noun = "item" if value == 1 else "items"
        return [f"`{where}`: expected at least {value} {noun}, got {len(instance)}."]
    if keyword == "format":
        kind = {"email": "an email address", "uri": "an absolute URI"}.get(str(value), f"format `{value}`")
        return [f"`{where}`: expected {kind}, got `{_show(instance)}`."]
    detail = error.message.rstrip(".")
    return [f"`{where}`: {detail}."]


def plugin_json_errors(data: dict[str, Any]) -> list[str]:
    """Validate parsed plugin.json `data` against Grafana's official schema.

    Args:
        data: the parsed plugin.json document.

    Returns:
        One sentence per problem, each naming the JSON path (e.g. `info.logos.small`) and what is expected,
        sorted by path; an empty list means the document is valid.
    """
    found: set[str] = set()
    for error in _validator().iter_errors(data):
        found.update(_messages(error))
    return sorted(found)
