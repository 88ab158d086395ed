"""Names derived from a plugin's name and organisation, following create-plugin's conventions.

`normalize_id` builds the plugin id exactly like create-plugin's `normalizeId`: characters outside `[0-9a-zA-Z]` are
dropped from the organisation and the name, a trailing `-<type>` is first removed from the name, and the parts are
joined in lower case as `<org>-<name>-<type>`. The result must match Grafana's plugin id pattern.
"""

from __future__ import annotations

import keyword
import re
import sys

from gpctl.errors import TemplateError

__all__ = [
    "PLUGIN_ID_PATTERN",
    "check_name",
    "check_org",
    "check_plugin_id",
    "executable_name",
    "kebab_case",
    "normalize_id",
    "package_name",
    "snake_case",
]

PLUGIN_ID_PATTERN = re.compile(r"^[0-9a-z]+\-([0-9a-z]+\-)?(app|panel|datasource)$")
"""Grafana's plugin id pattern (plugin.json schema, `id`)."""

_NOT_ALNUM = re.compile(r"[^0-9a-zA-Z]")
_FORBIDDEN = re.compile(r'["\\`\x00-\x1f\x7f]')
_WORDS = re.compile(r"[A-Z0-9]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")


def normalize_id(name: str, org: str, plugin_type: str) -> str:
    """Build the plugin id `<org>-<name>-<type>` as create-plugin's `normalizeId` does.

    Example:
        >>> normalize_id("Weather Datasource", "Acme Corp", "datasource")
        'acmecorp-weather-datasource'
    """
    bare_name = re.sub(rf"-?{re.escape(plugin_type)}$", "", name, flags=re.IGNORECASE)
    return f"{_NOT_ALNUM.sub('', org).lower()}-{_NOT_ALNUM.sub('', bare_name).lower()}-{plugin_type}"


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORDS.findall(text)]


def snake_case(text: str) -> str:
    """Split `text` into words (spaces, punctuation, camelCase) and join them with `_` in lower case."""
    return "_".join(_words(text))


def kebab_case(text: str) -> str:
    """Split `text` into words (spaces, punctuation, camelCase) and join them with `-` in lower case."""
    return "-".join(_words(text))


def executable_name(name: str) -> str:
    """The backend executable prefix for plugin.json: `gpx_<snake_case(name)>`."""
    return f"gpx_{snake_case(name)}"


def package_name(name: str) -> str:
    """A Python package name for the backend that shadows no keyword or standard-library module."""
    candidate = snake_case(name)
    if not candidate or candidate[0].isdigit():
        candidate = f"plugin_{candidate}".rstrip("_")
    if (
        keyword.iskeyword(candidate)
        or candidate in sys.stdlib_module_names
        or candidate in {"gpctl", "tests"}
    ):
        candidate = f"{candidate}_plugin"
    return candidate


def check_name(name: str) -> str:
    """Return the stripped plugin name, or raise `TemplateError` when it cannot make a plugin id."""
    return _checked(name, "plugin name", "pass a name such as `--name Weather`")


def check_org(org: str) -> str:
    """Return the stripped organisation, or raise `TemplateError` when it cannot start a plugin id."""
    return _checked(org, "organization", "pass your grafana.com organization slug, e.g. `--org acme`")


def _checked(value: str, what: str, hint: str) -> str:
    """`value` stripped; `TemplateError` (ending with `hint`) when it is empty or cannot be part of a plugin id."""
    stripped = value.strip()
    if not stripped:
        raise TemplateError(f"The {what} is empty; {hint}.")
    if _FORBIDDEN.search(stripped):
        raise TemplateError(
            f"The {what} `{stripped}` contains a quote, backslash, backtick or control character; remove it."
        )
    if not _NOT_ALNUM.sub("", stripped):
        raise TemplateError(f"The {what} `{stripped}` has no letters or digits; {hint}.")
    return stripped


def check_plugin_id(plugin_id: str) -> str:
    """Return `plugin_id` if it matches Grafana's id pattern, else raise `TemplateError`."""
    if not PLUGIN_ID_PATTERN.match(plugin_id):
        raise TemplateError(
            f"The plugin id `{plugin_id}` does not match Grafana's pattern "
            f"`{PLUGIN_ID_PATTERN.pattern}`; change the name or the organization."
        )
    return plugin_id
