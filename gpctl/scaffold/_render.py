"""Render a plugin project from a template: check the answers, derive the names, run cookiecutter, record answers."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpctl import __version__
from gpctl.errors import TemplateError
from gpctl.scaffold._names import (
    check_name,
    check_org,
    check_plugin_id,
    executable_name,
    kebab_case,
    normalize_id,
    package_name,
)
from gpctl.scaffold._templates import COMMON, KINDS, template_dir, templates_root

__all__ = [
    "ANSWERS_FILE",
    "QUESTIONS",
    "Question",
    "answers_record",
    "check_answer",
    "default_description",
    "file_hashes",
    "generate",
    "plan",
    "render",
    "write_answers",
]

ANSWERS_FILE = ".gpctl-answers.json"
"""Written at the project root: the template, the gpctl version and the answers, for a later `gpctl update`."""


@dataclass(frozen=True)
class Question:
    """One question a template asks; `required` questions have no default."""

    key: str
    prompt: str
    label: str
    flag: str
    required: bool


QUESTIONS: tuple[Question, ...] = (
    Question("name", "Plugin name", "plugin name", "--name", required=True),
    Question("org", "Organization (your grafana.com slug)", "organization", "--org", required=True),
    Question("description", "Description", "description", "--description", required=False),
)

_DESCRIPTIONS = {
    "datasource": "{name} data source for Grafana, with a Python backend.",
    "app": "{name} app for Grafana, with a Python backend.",
    "streaming": "{name} streaming data source for Grafana, with a Python backend (Grafana Live).",
}


def default_description(kind: str, name: str) -> str:
    """The description used when none is given, e.g. `Weather data source for Grafana, with a Python backend.`"""
    return _DESCRIPTIONS[kind].format(name=name)


def check_answer(key: str, value: str) -> str:
    """Check one answer (`name`, `org` or `description`) and return it cleaned; raise `TemplateError` if bad."""
    if key == "name":
        return check_name(value)
    if key == "org":
        return check_org(value)
    if key == "description":
        return " ".join(value.split())
    raise TemplateError(f"Unknown question `{key}`; the questions are `name`, `org` and `description`.")


def plan(kind: str, answers: Mapping[str, str], *, no_input: bool = True) -> dict[str, Any]:
    """Check `answers` for template `kind` and return the full cookiecutter context (answers + derived names).

    Args:
        kind: `datasource`, `app` or `streaming`.
        answers: `name`, `org` and optionally `description`.
        no_input: fill unanswered optional questions with their defaults (as `--no-input` does); when False,
            every question must have been answered by the caller (an interactive front end asks them all).

    Raises:
        TemplateError: unknown template, missing or bad answer, or an id Grafana would reject.
    """
    template_dir(kind)
    unknown = sorted(set(answers) - {q.key for q in QUESTIONS})
    if unknown:
        raise TemplateError(
            f"Unknown answer `{unknown[0]}`; the questions are `name`, `org` and `description`."
        )
    for question in QUESTIONS:
        if question.key not in answers and (question.required or not no_input):
            raise TemplateError(f"The {question.label} is missing; pass `{question.flag}`.")
    name = check_answer("name", answers["name"])
    org = check_answer("org", answers["org"])
    description = check_answer("description", answers.get("description", "")) or default_description(
        kind, name
    )
    plugin_type = KINDS[kind]
    plugin_id = check_plugin_id(normalize_id(name, org, plugin_type))
    return {
        "kind": kind,
        "plugin_name": name,
        "org": org,
        "description": description,
        "plugin_id": plugin_id,
        "plugin_type": plugin_type,
        "package_name": package_name(name),
        "executable": executable_name(name),
        "npm_name": kebab_case(name) or plugin_id,
        "gpctl_version": __version__,
        "year": str(datetime.date.today().year),
        "project_dir": plugin_id,
    }


def _write_release_workflow(target: Path) -> None:
    """Write `.github/workflows/build.yml`, the per-OS/arch build and release matrix of `gpctl ci github`."""
    from gpctl.build import write_github_workflow

    write_github_workflow(target, force=True)


def generate(kind: str, context: Mapping[str, Any], parent: Path, *, shown: Path, root: Path) -> Path:
    """Render template `kind` of templates directory `root` into `parent/<project_dir>` and return that directory.

    `shown` is the project's real path, named in errors. Nothing is recorded: see `file_hashes` and `answers_record`.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context, generate_files

    try:
        for layer in (root / COMMON, template_dir(kind, root)):
            full = generate_context(
                context_file=str(layer / "cookiecutter.json"), extra_context=dict(context)
            )
            full["cookiecutter"]["_template"] = str(layer)
            generate_files(
                repo_dir=layer,
                context=full,
                output_dir=parent,
                overwrite_if_exists=True,
                accept_hooks=False,
            )
    except CookiecutterException as exc:
        raise TemplateError(f"Rendering template `{kind}` into `{shown}` failed: {exc}.") from exc
    rendered = parent / str(context["project_dir"])
    _write_release_workflow(rendered)
    return rendered


def file_hashes(root: Path) -> dict[str, str]:
    """Map every file under `root` (relative POSIX path, sorted) to the sha256 of its bytes, in hex."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def answers_record(context: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """The content of `.gpctl-answers.json`: template, gpctl version, answers, plugin id, year and file hashes."""
    return {
        "template": context["kind"],
        "gpctl_version": __version__,
        "answers": {
            key: context[k]
            for key, k in (("name", "plugin_name"), ("org", "org"), ("description", "description"))
        },
        "plugin_id": context["plugin_id"],
        "year": context["year"],
        "files": dict(sorted(files.items())),
    }


def write_answers(target: Path, record: Mapping[str, Any]) -> None:
    """Write `record` to `<target>/.gpctl-answers.json` (two-space indented JSON and a final newline)."""
    (target / ANSWERS_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def render(
    kind: str,
    dest: Path | str | None,
    answers: Mapping[str, str],
    *,
    force: bool = False,
    no_input: bool = True,
    templates_dir: Path | None = None,
) -> Path:
    """Render template `kind` into `dest` (default `./<plugin-id>`) and return the project's path.

    The template is rendered into a temporary directory first, then copied over `dest`; the sha256 of every
    generated file is recorded in `.gpctl-answers.json` so `gpctl update` can tell the user's edits apart.
    `templates_dir` replaces gpctl's templates directory (one holding `_common/` and the kinds).

    Example:
        >>> render("datasource", tmp / "weather", {"name": "Weather", "org": "acme"})  # doctest: +SKIP
        PosixPath('.../weather')

    Raises:
        TemplateError: bad answers (see `plan`), `dest` is a file or a non-empty directory (without `force`),
            or cookiecutter failed.
    """
    context = plan(kind, answers, no_input=no_input)
    target = (Path.cwd() / context["plugin_id"] if dest is None else Path(dest)).absolute()
    if target.exists() and not target.is_dir():
        raise TemplateError(f"`{target}` is a file; choose a directory for the new plugin.")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise TemplateError(f"Directory `{target}` is not empty; pass --force to overwrite.")
    context["project_dir"] = target.name
    root = templates_root() if templates_dir is None else Path(templates_dir)
    with tempfile.TemporaryDirectory(prefix="gpctl-new-") as tmp:
        rendered = generate(kind, context, Path(tmp), shown=target, root=root)
        files = file_hashes(rendered)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(rendered, target, dirs_exist_ok=True)
    write_answers(target, answers_record(context, files))
    return target
