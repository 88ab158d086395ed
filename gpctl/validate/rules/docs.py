"""readme, templatereadme, changelog, license: the documents the catalog shows, present and real."""

from __future__ import annotations

import re

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity

__all__ = ["RULES", "check", "detect_license"]

E, W = Severity.ERROR, Severity.WARNING
MISSING_README = Rule("missing-readme", "readme", E, "README.md is missing or empty.")
README_COMMENT = Rule("readme-comment", "readme", W, "README.md contains HTML comments.")
TEMPLATE_README = Rule(
    "template-readme", "templatereadme", E, "README.md is create-plugin's template README."
)
MISSING_CHANGELOG = Rule("missing-changelog", "changelog", W, "CHANGELOG.md is missing or empty.")
NO_LICENSE = Rule("license-not-provided", "license", E, "LICENSE is missing or unreadable.")
BAD_LICENSE = Rule("license-not-valid", "license", E, "LICENSE is not one the catalog accepts.")
GENERIC_LICENSE = Rule("license-with-generic-text", "license", W, "LICENSE still has template placeholders.")

RULES = (
    MISSING_README,
    README_COMMENT,
    TEMPLATE_README,
    MISSING_CHANGELOG,
    NO_LICENSE,
    BAD_LICENSE,
    GENERIC_LICENSE,
)

_TEMPLATE_TITLE = re.compile(
    r"Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template", re.I
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
ACCEPTED_LICENSES = "BSD, MIT, Apache-2.0, LGPL-3.0, GPL-3.0 or AGPL-3.0"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def detect_license(text: str) -> str | None:
    """SPDX id of an accepted license recognised in `text` (by its distinctive wording), else `None`."""
    body = _squash(text)
    if "gnu affero general public license" in body and "version 3" in body:
        return "AGPL-3.0"
    if "gnu lesser general public license" in body and "version 3" in body:
        return "LGPL-3.0"
    if "gnu general public license" in body and "version 3" in body and "lesser" not in body:
        return "GPL-3.0"
    if "apache license" in body and "version 2.0" in body:
        return "Apache-2.0"
    if "permission is hereby granted, free of charge, to any person obtaining a copy" in body:
        return "MIT"
    if "redistribution and use in source and binary forms, with or without modification" in body:
        return (
            "BSD-3-Clause"
            if "neither the name" in body or "may be used to endorse" in body
            else "BSD-2-Clause"
        )
    if (
        "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee "
        "is hereby granted"
        in body
        and "provided that the above copyright notice" not in body
    ):
        return "0BSD"
    return None


def check(ctx: Context) -> None:
    """README.md, CHANGELOG.md and LICENSE at the plugin root."""
    if ctx.root is None:
        return
    readme = ctx.read_text("README.md")
    if readme is None:
        ctx.report(
            MISSING_README, "README.md", "README.md is missing; the catalog shows it as the plugin's page."
        )
    elif not readme.strip():
        ctx.report(
            MISSING_README, "README.md", "README.md is empty; the catalog shows it as the plugin's page."
        )
    else:
        if _COMMENT.search(readme):
            ctx.report(README_COMMENT, "README.md", "README.md contains HTML comments; remove them.")
        if _TEMPLATE_TITLE.search(readme):
            ctx.report(
                TEMPLATE_README,
                "README.md",
                "README.md is still the plugin template's README; describe your plugin instead.",
            )
    changelog = ctx.read_text("CHANGELOG.md")
    if changelog is None or not changelog.strip():
        state = "missing" if changelog is None else "empty"
        ctx.report(
            MISSING_CHANGELOG, "CHANGELOG.md", f"CHANGELOG.md is {state}; list the changes of each version."
        )
    _check_license(ctx)


def _check_license(ctx: Context) -> None:
    text = ctx.read_text("LICENSE")
    if text is None or not text.strip():
        state = "missing" if text is None else "empty"
        ctx.report(NO_LICENSE, "LICENSE", f"LICENSE is {state}; add one of {ACCEPTED_LICENSES}.")
        return
    if detect_license(text) is None:
        ctx.report(
            BAD_LICENSE,
            "LICENSE",
            f"LICENSE is not a license the catalog accepts; use one of {ACCEPTED_LICENSES}.",
        )
        return
    if "{name of copyright owner}" in text or "{yyyy}" in text:
        ctx.report(
            GENERIC_LICENSE,
            "LICENSE",
            "LICENSE still contains `{name of copyright owner}` or `{yyyy}`; fill in the owner and year.",
        )
