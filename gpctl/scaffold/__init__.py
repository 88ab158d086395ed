"""Scaffold plugin projects (`gpctl new`): cookiecutter templates in create-plugin's layout, Python backend.

    from gpctl.scaffold import render
    project = render("datasource", "weather", {"name": "Weather", "org": "acme"})

The templates live in the repository's `templates/` (shipped in the wheel as `gpctl/_templates`); every kind is
rendered on top of `templates/_common/`. The answers, gpctl's version and the sha256 of every generated file are
recorded in `.gpctl-answers.json`; `update(project)` brings the project up to the current templates from them.
"""

from __future__ import annotations

from gpctl.scaffold._names import (
    PLUGIN_ID_PATTERN,
    executable_name,
    kebab_case,
    normalize_id,
    package_name,
    snake_case,
)
from gpctl.scaffold._render import (
    ANSWERS_FILE,
    QUESTIONS,
    Question,
    check_answer,
    default_description,
    plan,
    render,
)
from gpctl.scaffold._templates import KINDS, template_dir, templates_root
from gpctl.scaffold._update import ACTIONS, NEW_SUFFIX, Action, FileChange, UpdateResult, update

__all__ = [
    "ACTIONS",
    "ANSWERS_FILE",
    "KINDS",
    "NEW_SUFFIX",
    "PLUGIN_ID_PATTERN",
    "QUESTIONS",
    "Action",
    "FileChange",
    "Question",
    "UpdateResult",
    "check_answer",
    "default_description",
    "executable_name",
    "kebab_case",
    "normalize_id",
    "package_name",
    "plan",
    "render",
    "snake_case",
    "template_dir",
    "templates_root",
    "update",
]
