"""Version strings as the validator parses them: plugin versions and `grafanaDependency` constraints."""

from __future__ import annotations

import re

__all__ = ["is_constraint", "is_version"]

_NUM = r"(?:[0-9]+|[xX*])"
_PRE = r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
_VERSION = rf"v?{_NUM}(?:\.{_NUM})?(?:\.{_NUM})?{_PRE}"
_OP = r"(?:!=|>=|=>|<=|=<|~>|[=><~^])?"
_ONE = re.compile(rf"^{_OP}\s*{_VERSION}$")
_HYPHEN = re.compile(rf"^{_VERSION}\s+-\s+{_VERSION}$")

_PLUGIN_VERSION = re.compile(
    r"^v?[0-9]+(?:\.[0-9]+)*"
    r"(?:-?[0-9A-Za-z~-]+(?:\.[0-9A-Za-z~-]+)*)?"
    r"(?:\+[0-9A-Za-z~-]+(?:\.[0-9A-Za-z~-]+)*)?$"
)


def is_version(text: str) -> bool:
    """Whether `text` is a version in the loose semver the validator accepts (`1.2.3`, `1.2.3-beta.1`, `v2`)."""
    return bool(_PLUGIN_VERSION.match(text.strip()))


def is_constraint(text: str) -> bool:
    """Whether `text` is a semver range: `>=12.3.0`, `^10.4.0 || >=11.0.0`, `>=10.0.0 <12`, `1.2 - 1.4`."""
    if not text.strip():
        return False
    for group in text.split("||"):
        group = group.strip()
        if not group:
            return False
        if _HYPHEN.match(group):
            continue
        # Operators may be separated from their version by spaces (`>= 1.2`); glue them first.
        glued = re.sub(r"(!=|>=|=>|<=|=<|~>|[=><~^])\s+", r"\1", group)
        parts = [p for p in re.split(r"[\s,]+", glued) if p]
        if not parts or not all(_ONE.match(p) for p in parts):
            return False
    return True
