"""modulejs, backenddebug, includesnested: files that must (or must not) be in the plugin directory."""

from __future__ import annotations

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity

__all__ = ["RULES", "check_debug_files", "check_modulejs", "check_nested"]

E = Severity.ERROR
MISSING_MODULEJS = Rule("missing-modulejs", "modulejs", E, "No module.js: Grafana cannot load the frontend.")
DEBUG_FILE = Rule(
    "backend-debug-file-present",
    "backenddebug",
    E,
    "`standalone.txt` or `pid.txt` (dev mode files) is bundled.",
)
NOT_DECLARED = Rule(
    "nested-plugins-not-declared", "includesnested", E, "A nested plugin.json is not in the app's `includes`."
)
MISSING_TYPE = Rule(
    "nested-plugin-missing-type", "includesnested", E, "An `includes` entry for a nested plugin has no type."
)
TYPE_MISMATCH = Rule(
    "nested-plugin-type-missmatch",
    "includesnested",
    E,
    "A nested plugin's type differs from its `includes` entry.",
)
NON_APP = Rule("nested-plugin-id-in-non-app", "includesnested", E, "Only app plugins may nest plugins.")

RULES = (MISSING_MODULEJS, DEBUG_FILE, NOT_DECLARED, MISSING_TYPE, TYPE_MISMATCH, NON_APP)


def check_modulejs(ctx: Context) -> None:
    """modulejs: at least one `module.js` anywhere in the plugin directory."""
    if ctx.root is None:
        return
    if not any(p.name == "module.js" for p in ctx.files()):
        ctx.report(
            MISSING_MODULEJS,
            "module.js",
            "`module.js` is missing; even a backend plugin needs its built frontend (run `npm run build` or "
            "`gpctl build` without `--skip-frontend`).",
        )


def check_debug_files(ctx: Context) -> None:
    """backenddebug: no `standalone.txt` / `pid.txt` anywhere when a plugin.json declares an executable."""
    if ctx.root is None or not any(m.get("executable") for m in ctx.metadata.values()):
        return
    for path in ctx.files():
        if path.name in ("standalone.txt", "pid.txt"):
            ctx.report(
                DEBUG_FILE,
                ctx.rel(path),
                f"`{path.name}` is a dev-mode file: with it Grafana does not start the bundled executable but "
                "connects to a running debug process; delete it before packaging.",
            )


def check_nested(ctx: Context) -> None:
    """includesnested: nested plugin.json files belong to an app and are declared in its `includes`."""
    main = ctx.main
    nested = sorted(k for k in ctx.metadata if k != "plugin.json")
    if main is None or not nested:
        return
    kind = main.get("type")
    if kind != "app":
        ctx.report(
            NON_APP,
            "plugin.json",
            f"Nested plugins ({', '.join(f'`{n}`' for n in nested)}) are allowed only in app plugins, not in a "
            f"`{kind}`.",
        )
        return
    includes = main.get("includes")
    entries = [i for i in includes if isinstance(i, dict)] if isinstance(includes, list) else []
    for rel in nested:
        declared = [i for i in entries if i.get("path") == rel]
        if not declared:
            ctx.report(
                NOT_DECLARED,
                "plugin.json",
                f'Nested plugin `{rel}` is not declared in `includes`; add `{{"type": '
                f'"{ctx.metadata[rel].get("type", "")}", "path": "{rel}"}}`.',
            )
            continue
        for entry in declared:
            declared_type = entry.get("type") or ""
            actual = ctx.metadata[rel].get("type")
            if not declared_type:
                ctx.report(MISSING_TYPE, "plugin.json", f"The `includes` entry for `{rel}` has no `type`.")
            elif declared_type != actual:
                ctx.report(
                    TYPE_MISMATCH,
                    "plugin.json",
                    f"`includes` declares `{rel}` as `{declared_type}` but its plugin.json says `{actual}`.",
                )
