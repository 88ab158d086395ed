"""`gpctl new`: scaffold a plugin project from a template (datasource, app, streaming)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `new` command to `app`."""
    app.command("new", no_args_is_help=True)(new)


def new(
    template: Annotated[
        str, typer.Argument(help="Template: datasource, app or streaming.", show_default=False)
    ],
    directory: Annotated[
        Path | None,
        typer.Argument(help="Directory to create (default: ./<plugin-id>).", show_default=False),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Plugin name, e.g. Weather.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Organization: your grafana.com slug, e.g. acme.")
    ] = None,
    description: Annotated[str | None, typer.Option("--description", help="One-line description.")] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never prompt: use defaults, fail on a missing --name or --org."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Render into a directory that is not empty.")
    ] = False,
) -> None:
    """Create a plugin project: Python backend, create-plugin frontend, tests, CI and a dev Grafana."""
    from gpctl import scaffold

    scaffold.template_dir(template)
    given = {"name": name, "org": org, "description": description}
    answers = {key: value for key, value in given.items() if value is not None}
    for key, value in answers.items():
        scaffold.check_answer(key, value)
    if not no_input and sys.stdin.isatty():
        _ask_missing(template, answers)
    project = scaffold.render(template, directory, answers, force=force, no_input=True)
    context = scaffold.plan(template, answers)
    _print_next_steps(project, context["plugin_id"], template)


def _ask_missing(template: str, answers: dict[str, str]) -> None:
    from rich.prompt import Prompt

    from gpctl import scaffold
    from gpctl.cli._console import err_console, out_console
    from gpctl.errors import TemplateError

    for question in scaffold.QUESTIONS:
        if question.key in answers:
            continue
        default = (
            scaffold.default_description(template, answers["name"]) if question.key == "description" else None
        )
        while True:
            try:
                value = Prompt.ask(question.prompt, console=out_console(), default=default)
            except EOFError:
                raise TemplateError(f"No answer for the {question.label}; pass `{question.flag}`.") from None
            try:
                answers[question.key] = scaffold.check_answer(question.key, value or "")
                break
            except TemplateError as exc:
                err_console().print(f"error: {exc.message}")


def _print_next_steps(project: Path, plugin_id: str, template: str) -> None:
    from gpctl.cli._console import out_console

    try:
        shown = project.relative_to(Path.cwd())
    except ValueError:
        shown = project
    steps = [
        *([(f"cd {shown}", "")] if str(shown) != "." else []),
        ('python -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"', ""),
        ("python -m pytest", "run the backend's tests"),
        ("npm install && npm run build", "build the frontend into dist/"),
        ("gpctl dev", "run the backend for Grafana, reloading on every save"),
        ("gpctl query --help", "ask the backend a question without Grafana"),
        ("gpctl build --target linux/amd64", "build the plugin into dist/ for Grafana"),
    ]
    console = out_console()
    console.print(f"Created {plugin_id} ({template}) in {project}")
    console.print("")
    console.print("Next steps:")
    width = max(len(command) for command, note in steps if note)
    for command, note in steps:
        console.print(f"  {command.ljust(width)}  {note}".rstrip())
