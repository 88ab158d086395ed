"""`gpctl update`: bring a generated plugin project up to the current templates, keeping the user's edits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from gpctl.scaffold import UpdateResult

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `update` command to `app`."""
    app.command("update")(update)


def update(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The project made by `gpctl new` (default: the current directory).", show_default=False
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change and write nothing.")
    ] = False,
) -> None:
    """Update a project to the current templates: unedited files are replaced, edited ones get a .gpctl-new."""
    from gpctl import scaffold

    result = scaffold.update(Path.cwd() if path is None else path, dry_run=dry_run)
    _report(result)


def _report(result: UpdateResult) -> None:
    from gpctl.cli._console import out_console

    console = out_console()
    shown = [change for change in result.changes if change.action != "unchanged"]
    width = max((len(change.action) for change in shown), default=0)
    for change in shown:
        line = f"{change.action.ljust(width)}  {change.path}"
        if change.action == "conflict":
            line += f" (template's version in {change.new_path})"
        elif change.action == "removed upstream":
            line += " (kept; delete it if you no longer need it)"
        console.print(line)
    counts = result.summary()
    if result.dry_run:
        console.print(f"Dry run, nothing written: {counts}.")
    elif not shown:
        console.print(f"{result.project} is up to date with gpctl {result.to_version}: {counts}.")
    else:
        console.print(f"Updated {result.project} to gpctl {result.to_version}: {counts}.")
    conflicts = len(result.conflicts)
    if conflicts:
        files = "file keeps its edits" if conflicts == 1 else "files keep their edits"
        console.print(
            f"{conflicts} {files}: merge what you want from each `.gpctl-new` file, then delete it."
        )
