"""Validate a Grafana plugin offline: plugin.json against the official schema, plus plugin-validator's rules."""

from __future__ import annotations

from gpctl.validate._schema import SCHEMA_SOURCE, load_schema, plugin_json_errors

__all__ = ["SCHEMA_SOURCE", "load_schema", "plugin_json_errors"]
