"""Validate a Grafana plugin offline: plugin.json against the official schema, plus plugin-validator's rules.

report = validate("dist")            # or a project directory, or a plugin zip
for line in report.lines():
    ...
report.ok                            # False when there is an error (or a warning, with strict=True)
"""

from __future__ import annotations

from gpctl.validate._engine import validate
from gpctl.validate._report import BinaryInfo, CatalogNote, Finding, Report, Rule, Severity, SmokeResult
from gpctl.validate._schema import SCHEMA_SOURCE, load_schema, plugin_json_errors

__all__ = [
    "SCHEMA_SOURCE",
    "BinaryInfo",
    "CatalogNote",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "SmokeResult",
    "load_schema",
    "plugin_json_errors",
    "rules",
    "validate",
]


def rules() -> tuple[Rule, ...]:
    """Every rule `validate()` can report, in documentation order."""
    from gpctl.validate.rules import ALL_RULES

    return ALL_RULES
