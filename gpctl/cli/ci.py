"""`gpctl ci github`: write a GitHub Actions workflow that builds every target on native runners."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ci_app = typer.Typer(
    name="ci",
    help="Write CI configuration for building every target on native runners.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add the `ci` command group to `app`."""
    app.add_typer(ci_app)


@ci_app.command("github")
def github(
    path: Annotated[Path, typer.Argument(help="Project directory (default: the current one).")] = Path(),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Workflow file (default: .github/workflows/build.yml)."
        ),
    ] = None,
    musl: Annotated[bool, typer.Option("--musl/--no-musl", help="Add an Alpine (musl) job.")] = True,
    python: Annotated[
        str, typer.Option("--python", metavar="VERSION", help="Python version the bundles are built with.")
    ] = "3.11",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing workflow file.")] = False,
) -> None:
    """Write a GitHub Actions workflow: one build job per OS/arch, then package, sign and release."""
    from gpctl.build import write_github_workflow
    from gpctl.cli._console import out_console
    from gpctl.project import Project

    project = Project.find(path)
    dest = write_github_workflow(project.root, path=output, force=force, musl=musl, python=python)
    out_console().print(f"Wrote {dest}.")
