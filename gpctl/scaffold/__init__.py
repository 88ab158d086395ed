"""Scaffold plugin projects (`gpctl new`): cookiecutter templates in create-plugin's layout, Python backend.

    from gpctl.scaffold import render
    project = render("datasource", "weather", {"name": "Weather", "org": "acme"})

The templates live in the repository's `templates/` (shipped in the wheel as `gpctl/_templates`); every kind is
rendered on top of `templates/_common/`. The answers and gpctl's version are recorded in `.gpctl-answers.json`.
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

__all__ = [
    "ANSWERS_FILE",
    "KINDS",
    "PLUGIN_ID_PATTERN",
    "QUESTIONS",
    "Question",
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
]
