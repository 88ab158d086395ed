"""`gpctl validate`: the plugin-validator's checks offline, plus gpctl's backend checks and `--smoke`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.text import Text

    from gpctl.validate import Finding, Report

_STYLES = {"error": "bold red", "warning": "yellow", "recommendation": "cyan"}


def register(app: typer.Typer) -> None:
    """Add the `validate` command to `app`."""
    app.command("validate")(validate)


def validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="A gpctl project (its dist/ is checked), a plugin directory, or a plugin zip.",
            metavar="PATH",
        ),
    ] = Path(),
    smoke: Annotated[
        bool,
        typer.Option(
            "--smoke",
            help="Also start this machine's executable as Grafana does and call health + CheckHealth.",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON (stable keys).")] = False,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target", metavar="OS/ARCH", help="Require an executable for this target; repeatable."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Handshake timeout for --smoke.")
    ] = 10.0,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List every rule and exit.")] = False,
) -> None:
    """Check a plugin offline with Grafana plugin-validator's rules; exit 1 on errors.

    Catalog rules that fail for every non-Go backend (sdkusage, Go build info, govulncheck) are listed
    separately and not counted.
    """
    from gpctl.cli._console import out_console

    out = out_console()
    if list_rules:
        _print_rules()
        return

    import json

    from gpctl.errors import ValidationFailed
    from gpctl.validate import validate as run

    report = run(path, smoke=smoke, strict=strict, targets=target, smoke_timeout=timeout)
    if as_json:
        out.print(json.dumps(report.to_dict(), indent=2), soft_wrap=True)
    else:
        for line in _styled(report):
            out.print(line, soft_wrap=True)
    if not report.ok:
        raise ValidationFailed(_failure(report))


def _failure(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        if errors == 1:
            return f"`{report.target}` has 1 error; fix it and run `gpctl validate` again."
        return f"`{report.target}` has {errors} errors; fix them and run `gpctl validate` again."
    noun = "warning" if warnings == 1 else "warnings"
    return f"`{report.target}` has {warnings} {noun}, and --strict makes warnings fail."


def _finding_text(finding: Finding) -> Text:
    from rich.text import Text

    head = f"{finding.severity.value}[{finding.rule}]"
    return Text.assemble((head, _STYLES[finding.severity.value]), f" {finding.path}: {finding.message}")


def _styled(report: Report) -> list[Text | str]:
    lines: list[Text | str] = [_finding_text(f) for f in report.findings]
    rest = report.lines()[len(report.findings) :]
    lines.extend(rest[:-1])
    from rich.text import Text

    style = "bold green" if report.ok else "bold red"
    lines.append(Text(rest[-1], style=style))
    return lines


def _print_rules() -> None:
    from gpctl.cli._console import out_console
    from gpctl.validate import rules

    out = out_console()
    for rule in rules():
        origin = "" if rule.official else "  (gpctl)"
        out.print(
            f"{rule.severity.value:<14} {rule.analyzer:<18} {rule.id:<36} {rule.summary}{origin}",
            soft_wrap=True,
        )
