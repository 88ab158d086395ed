"""archive, archivename: one top-level directory named after the plugin id, no `dist/`; hostile entries refused."""

from __future__ import annotations

import re

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity
from gpctl.validate._zip import ExtractedZip

__all__ = ["RULES", "check_name", "locate_root", "report_unsafe"]

E = Severity.ERROR
EMPTY = Rule("empty-archive", "archive", E, "The zip has no entries.")
MORE_THAN_ONE = Rule("more-than-one-dir", "archive", E, "The zip has more than one top-level entry.")
NO_ROOT_DIR = Rule("no-root-dir", "archive", E, "The zip's only top-level entry is a file, not a directory.")
DIST = Rule("dist", "archive", E, "The zip's root directory contains `dist/`.")
UNSAFE_PATH = Rule(
    "archive-unsafe-path", "archive", E, "An entry has an absolute path or `..` (zip slip).", official=False
)
SYMLINK = Rule(
    "archive-symlink", "archive", E, "An entry is a symbolic link or special file.", official=False
)
BAD_ENTRY = Rule(
    "archive-bad-entry", "archive", E, "An entry is duplicated or the zip is too large.", official=False
)
NO_IDENT_ROOT = Rule(
    "no-ident-root-dir", "archivename", E, "The zip's root directory is not named after the id."
)

RULES = (EMPTY, MORE_THAN_ONE, NO_ROOT_DIR, DIST, UNSAFE_PATH, SYMLINK, BAD_ENTRY, NO_IDENT_ROOT)

_PER_ARCH = re.compile(
    r"\.(?P<os>linux|darwin|windows)_(?P<arch>[a-z0-9]+)(?:_(?P<variant>[a-z0-9]+))?\.zip$"
)

_PACKAGE_HINT = "package with `gpctl package`, which writes `<id>/` as the only top-level directory"


def per_arch_target(zip_name: str) -> tuple[str | None, str | None]:
    """(`linux/amd64`, variant) for `<id>-<version>.linux_amd64[_<variant>].zip`, else `(None, None)`."""
    match = _PER_ARCH.search(zip_name)
    if match is None:
        return None, None
    return f"{match['os']}/{match['arch']}", match["variant"]


def report_unsafe(ctx: Context, extracted: ExtractedZip) -> None:
    """One error per refused entry; none of them was written anywhere."""
    if ctx.archive is None:
        return
    for entry in extracted.unsafe:
        rule = {"unsafe-path": UNSAFE_PATH, "symlink": SYMLINK, "special-file": SYMLINK}.get(
            entry.kind, BAD_ENTRY
        )
        if entry.name == ctx.archive.name:
            message = f"The archive was refused because {entry.reason}; nothing from it was extracted."
        else:
            message = (
                f"Entry `{entry.name}` was refused because {entry.reason}; nothing from it was extracted."
            )
        ctx.report_at(rule, ctx.archive.name, message)


def locate_root(ctx: Context) -> None:
    """Find the plugin directory inside an extracted zip (the validator's `archive` analyzer)."""
    if ctx.archive is None:
        return
    top = sorted(ctx.archive.extracted.iterdir(), key=lambda p: p.name)
    where = ctx.archive.name
    if not top:
        ctx.report_at(EMPTY, where, f"The archive is empty; {_PACKAGE_HINT}.")
        return
    if len(top) > 1:
        names = ", ".join(f"`{p.name}`" for p in top[:5]) + (", ..." if len(top) > 5 else "")
        ctx.report_at(
            MORE_THAN_ONE,
            where,
            f"The archive has {len(top)} top-level entries ({names}) instead of one directory named after "
            f"the plugin id; {_PACKAGE_HINT}.",
        )
        return
    root = top[0]
    if not root.is_dir() or root.is_symlink():
        ctx.report_at(
            NO_ROOT_DIR,
            where,
            f"The archive's only top-level entry `{root.name}` is a file, not the plugin directory; {_PACKAGE_HINT}.",
        )
        return
    ctx.root, ctx.display = root, root.name
    if (root / "dist").is_dir():
        ctx.report_at(
            DIST,
            f"{root.name}/dist",
            f"The archive holds `{root.name}/dist/`; rename `dist` to the plugin id and put it at the top of "
            "the archive.",
        )
        ctx.root, ctx.display = root / "dist", f"{root.name}/dist"


def check_name(ctx: Context) -> None:
    """archivename: the zip's root directory is named exactly the plugin id."""
    if ctx.archive is None or ctx.root is None or ctx.main is None:
        return
    plugin_id = ctx.main.get("id")
    base = ctx.root.name
    if base == "dist":
        ctx.report_at(
            NO_IDENT_ROOT,
            ctx.display,
            f"The archive's plugin directory is named `dist`; name it `{plugin_id}`.",
        )
    elif isinstance(plugin_id, str) and plugin_id and base != plugin_id:
        ctx.report_at(
            NO_IDENT_ROOT,
            ctx.display,
            f"The archive's plugin directory is named `{base}`; it must be named after the plugin id `{plugin_id}`.",
        )
