"""The rules, one module per plugin-validator analyzer (or small group), run in a fixed order."""

from __future__ import annotations

from collections.abc import Callable

from gpctl.validate._context import Context
from gpctl.validate._report import Rule
from gpctl.validate.rules import (
    archive,
    backend,
    catalog,
    docs,
    files,
    images,
    manifest,
    metadata,
    naming,
    permissions,
    smoke,
    svg,
)

__all__ = ["ALL_RULES", "CHECKS"]

CHECKS: tuple[Callable[[Context], None], ...] = (
    metadata.load_metadata,
    archive.check_name,
    metadata.check_schema,
    metadata.check_dependency,
    naming.check,
    files.check_nested,
    backend.check,
    catalog.check,
    permissions.check,
    files.check_debug_files,
    files.check_modulejs,
    docs.check,
    images.check_logos,
    images.check_paths,
    images.check_screenshots,
    svg.check,
    manifest.check,
)
"""Run in this order after the archive's root is known; each check skips what it cannot see."""

ALL_RULES: tuple[Rule, ...] = (
    *archive.RULES,
    *metadata.RULES,
    *naming.RULES,
    *files.RULES,
    *backend.RULES,
    *permissions.RULES,
    *docs.RULES,
    *images.RULES,
    *svg.RULES,
    *manifest.RULES,
    *smoke.RULES,
)
"""Every rule gpctl reports, for documentation and `gpctl validate --list-rules`."""
