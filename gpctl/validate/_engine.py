"""`validate()`: resolve what was given (project, plugin directory, zip), run the rules, build the `Report`."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from gpctl.errors import ProjectError
from gpctl.validate._context import ArchiveView, Context
from gpctl.validate._report import Finding, Report, Severity
from gpctl.validate._zip import extract_zip
from gpctl.validate.rules import CHECKS, archive
from gpctl.validate.rules.backend import KNOWN_TARGETS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["validate"]

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.RECOMMENDATION: 2}


def _is_gpctl_project(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return False
    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "gpctl" in tool


def _directory_context(folder: Path) -> Context:
    folder = folder.resolve()
    if _is_gpctl_project(folder):
        from gpctl.project import Project

        project = Project.find(folder)
        dist = project.dist_dir
        if not dist.is_dir():
            raise ProjectError(
                f"Project `{project.root.name}` has no `{dist.name}/` to validate; run `gpctl build` first.",
            )
        try:
            shown = dist.relative_to(project.root).as_posix()
        except ValueError:
            shown = dist.name
        return Context(root=dist, display=shown, kind="project")
    if not (folder / "plugin.json").is_file() and (folder / "dist" / "plugin.json").is_file():
        return Context(root=folder / "dist", display="dist", kind="dist")
    return Context(root=folder, display=folder.name, kind="dist")


def _normalise_targets(targets: Sequence[str] | None) -> tuple[str, ...]:
    out = []
    for text in targets or ():
        value = text.strip().lower().replace("_", "/").replace("-", "/")
        if value not in KNOWN_TARGETS:
            known = ", ".join(f"`{t}`" for t in KNOWN_TARGETS)
            raise ProjectError(f"Unknown target `{text}`; use one of {known}.")
        out.append(value)
    return tuple(dict.fromkeys(out))


def validate(
    path: str | Path,
    *,
    smoke: bool = False,
    strict: bool = False,
    targets: Sequence[str] | None = None,
    smoke_timeout: float = 10.0,
) -> Report:
    """Check a plugin offline with the plugin-validator's rules (and gpctl's own backend checks).

    Args:
        path: a gpctl project (its `dist/` is checked), a plugin directory such as `dist`, or a plugin zip.
            Zips are inspected safely: hostile entries are reported and nothing is written outside a temp dir.
        smoke: also launch the host platform's executable as Grafana does and call health, CheckHealth and
            Shutdown (see `SmokeResult`).
        strict: warnings make the report invalid (`Report.ok` is `False`).
        targets: `os/arch` targets that must each have an executable, e.g. `["linux/amd64"]`; a per-arch zip
            (`<id>-<version>.<os>_<arch>.zip`) declares its own.
        smoke_timeout: seconds the executable gets to print its handshake line.

    Returns:
        The `Report`; `validate()` never prints and never raises for problems in the plugin itself.

    Raises:
        ProjectError: `path` does not exist, is a file but not a zip, or is a project that was never built.
    """
    source = Path(path)
    declared = _normalise_targets(targets)
    if not source.exists():
        raise ProjectError(
            f"`{source}` does not exist; pass a project directory, a plugin directory such as `dist`, or a zip."
        )
    with ExitStack() as stack:
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise ProjectError(
                    f"`{source}` is not a zip archive; pass a plugin zip or a plugin directory."
                )
            temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gpctl-validate-")))
            dest = (temp / "archive").resolve()
            dest.mkdir()
            view = ArchiveView(source.name, dest, *archive.per_arch_target(source.name))
            ctx = Context(root=None, display=source.name, kind="zip", archive=view)
            extracted = extract_zip(source, dest)
            ctx.digests = extracted.sha256
            archive.report_unsafe(ctx, extracted)
            archive.locate_root(ctx)
            if view.per_arch_target and view.per_arch_target not in declared:
                declared += (view.per_arch_target,)
        else:
            ctx = _directory_context(source)
        ctx.targets = declared
        for check in CHECKS:
            check(ctx)
        report = _report(ctx, strict=strict)
        if smoke:
            from gpctl.validate.rules.smoke import run_smoke

            report.smoke = run_smoke(ctx, timeout=smoke_timeout)
            report.findings = _ordered(ctx)
        return report


def _ordered(ctx: Context) -> list[Finding]:
    return sorted(ctx.findings, key=lambda f: _RANK[f.severity])


def _report(ctx: Context, *, strict: bool) -> Report:
    main = ctx.main or {}
    info = main.get("info")
    version = info.get("version", "") if isinstance(info, dict) else ""
    return Report(
        target=ctx.display if ctx.archive is None else ctx.archive.name,
        kind=ctx.kind,
        plugin_id=str(main.get("id", "")),
        plugin_version=str(version),
        plugin_type=str(main.get("type", "")),
        strict=strict,
        findings=_ordered(ctx),
        catalog_only=list(ctx.catalog_only),
        binaries=list(ctx.binaries),
    )
