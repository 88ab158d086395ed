"""Bring a generated project up to the current templates (`gpctl update`) without losing the user's edits.

The project's `.gpctl-answers.json` holds the template, the answers and the sha256 of every file as generated.
The template is rendered again with those answers into a temporary directory, and each file of that render is
compared with the project's copy and its recorded hash:

- missing in the project: created (`added`);
- identical: left alone (`unchanged`);
- the project's copy still has the recorded hash (never edited): replaced (`updated`);
- edited, and the template's version is still the one recorded: the user's file is kept (`unchanged`);
- edited (or no hash recorded) and the template changed: the user's file is kept and the template's version is
  written next to it as `<name>.gpctl-new` (`conflict`).

Files recorded at generation that the template no longer has are reported (`removed upstream`), never deleted.
A conflict keeps its old hash in `files` and the template's hash in `conflicts`: once the user has merged the
template's version and deleted `<name>.gpctl-new`, the next update takes that version as the file's base.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from gpctl import __version__
from gpctl.errors import ProjectError, TemplateError
from gpctl.scaffold._render import (
    ANSWERS_FILE,
    answers_record,
    file_hashes,
    generate,
    plan,
    write_answers,
)
from gpctl.scaffold._templates import KINDS, templates_root

__all__ = ["ACTIONS", "NEW_SUFFIX", "Action", "FileChange", "UpdateResult", "update"]

Action = Literal["added", "updated", "conflict", "unchanged", "removed upstream"]
ACTIONS: tuple[Action, ...] = ("added", "updated", "conflict", "unchanged", "removed upstream")
"""Every outcome for one file, in the order reports list them."""

NEW_SUFFIX = ".gpctl-new"
"""Appended to a file's name for the template's version of a file the user edited."""


@dataclass(frozen=True)
class FileChange:
    """What the update does (or would do) to one file; `path` is relative to the project, in POSIX form."""

    path: str
    action: Action

    @property
    def new_path(self) -> str | None:
        """Where the template's version goes for a conflict (`<path>.gpctl-new`), else None."""
        return self.path + NEW_SUFFIX if self.action == "conflict" else None


@dataclass(frozen=True)
class UpdateResult:
    """The plan of an update: carried out, or only computed with `dry_run=True`."""

    project: Path
    template: str
    from_version: str
    to_version: str
    changes: tuple[FileChange, ...]
    dry_run: bool

    def paths(self, action: Action) -> list[str]:
        """The paths with outcome `action`, sorted."""
        return [change.path for change in self.changes if change.action == action]

    @property
    def conflicts(self) -> list[str]:
        """The files the user edited that the template changed: each has a `<path>.gpctl-new` beside it."""
        return self.paths("conflict")

    def summary(self) -> str:
        """Counts per outcome, e.g. `1 added, 2 updated, 1 conflict, 20 unchanged`."""
        parts = []
        for action in ACTIONS:
            count = len(self.paths(action))
            if count:
                noun = "conflicts" if action == "conflict" and count > 1 else action
                parts.append(f"{count} {noun}")
        return ", ".join(parts) or "no files"


def update(
    path: Path | str = ".", *, dry_run: bool = False, templates_dir: Path | None = None
) -> UpdateResult:
    """Update the project at `path` to the current templates; see the module's docstring for the rules.

    Rewrites `.gpctl-answers.json` with gpctl's version and the new hashes. With `dry_run=True` nothing is
    written and the same plan is returned. `templates_dir` replaces gpctl's templates directory.

    Raises:
        ProjectError: `path` is not a project made by `gpctl new`, or its answers file is unreadable or invalid.
        TemplateError: the recorded template is unknown, or rendering failed.
    """
    project = Path(path).absolute()
    answers_file = project / ANSWERS_FILE
    record = _read_record(project, answers_file)
    kind: str = record["template"]
    from_version = str(record.get("gpctl_version", "unknown"))
    if kind not in KINDS:
        known = ", ".join(f"`{name}`" for name in KINDS)
        raise TemplateError(
            f"`{answers_file}` names template `{kind}`, which gpctl {__version__} does not have "
            f"(it has {known}).",
            hint=f"Update with a gpctl that has it (the project was made by gpctl `{from_version}`).",
        )
    context = _context(kind, record, project, answers_file)
    recorded: Mapping[str, str] = record.get("files", {})
    pending: Mapping[str, str] = record.get("conflicts", {})
    root = templates_root() if templates_dir is None else Path(templates_dir)
    with tempfile.TemporaryDirectory(prefix="gpctl-update-") as tmp:
        rendered = generate(kind, context, Path(tmp), shown=project, root=root)
        rendered_hashes = file_hashes(rendered)
        rendered_hashes.pop(ANSWERS_FILE, None)
        changes: list[FileChange] = []
        files: dict[str, str] = {}
        conflicts: dict[str, str] = {}
        for rel, new in rendered_hashes.items():
            base = recorded.get(rel)
            if rel in pending and not (project / (rel + NEW_SUFFIX)).exists():
                base = pending[rel]  # merged by the user, who then deleted `<rel>.gpctl-new`
            action = _action(project / rel, new, base)
            changes.append(FileChange(rel, action))
            if action == "conflict":
                if base is not None:
                    files[rel] = base
                conflicts[rel] = new
            else:
                files[rel] = new
            if not dry_run and action in ("added", "updated"):
                _copy(rendered / rel, project / rel)
            elif not dry_run and action == "conflict":
                _copy(rendered / rel, project / (rel + NEW_SUFFIX))
    for rel in sorted(set(recorded) - set(rendered_hashes)):
        if (project / rel).exists():
            changes.append(FileChange(rel, "removed upstream"))
    if not dry_run:
        new_record = {**record, **answers_record(context, files)}
        new_record.pop("conflicts", None)
        if conflicts:
            new_record["conflicts"] = dict(sorted(conflicts.items()))
        write_answers(project, new_record)
    return UpdateResult(project, kind, from_version, __version__, tuple(changes), dry_run)


def _action(dest: Path, new: str, base: str | None) -> Action:
    if not dest.exists():
        return "added"
    if not dest.is_file():
        return "conflict"
    current = hashlib.sha256(dest.read_bytes()).hexdigest()
    if current == new:
        return "unchanged"
    if current == base:
        return "updated"
    if base == new:
        return "unchanged"  # edited by the user; the template has nothing new for this file
    return "conflict"


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    shutil.copymode(source, dest)


def _context(kind: str, record: Mapping[str, Any], project: Path, answers_file: Path) -> dict[str, Any]:
    try:
        context = plan(kind, record["answers"])
    except TemplateError as exc:
        raise ProjectError(
            f"The answers recorded in `{answers_file}` are not valid: {exc.message}",
            hint="Correct them in that file.",
        ) from None
    context["project_dir"] = project.name
    if "plugin_id" in record:
        context["plugin_id"] = record["plugin_id"]  # an update never changes the plugin's id
    if "year" in record:
        context["year"] = record["year"]
    return context


def _read_record(project: Path, answers_file: Path) -> dict[str, Any]:
    if not project.is_dir():
        raise ProjectError(
            f"`{project}` is not a directory.", hint="Pass the directory of a project made by `gpctl new`."
        )
    if not answers_file.is_file():
        raise ProjectError(
            f"`{project}` is not a gpctl project: it has no `{ANSWERS_FILE}`.",
            hint="Run `gpctl update` in a directory made by `gpctl new`, or pass that directory.",
        )
    try:
        data = json.loads(answers_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"Cannot read `{answers_file}`: {reason}.") from None
    except json.JSONDecodeError as exc:
        raise ProjectError(
            f"`{answers_file}` is not valid JSON: {exc.msg} at line {exc.lineno}.",
            hint="Fix it, or restore it from version control.",
        ) from None
    problem = _problem(data)
    if problem:
        raise ProjectError(
            f"`{answers_file}` is not a gpctl answers file: {problem}.",
            hint="Fix it, or restore it from version control.",
        )
    assert isinstance(data, dict)
    return data


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _problem(data: object) -> str | None:
    if not isinstance(data, dict):
        return "it holds no JSON object"
    if not isinstance(data.get("template"), str):
        return "`template` is missing"
    if not _is_str_map(data.get("answers")):
        return "`answers` must map questions to strings"
    for key in ("gpctl_version", "plugin_id", "year"):
        if key in data and not isinstance(data[key], str):
            return f"`{key}` must be a string"
    for key in ("files", "conflicts"):
        if key in data and not _is_str_map(data[key]):
            return f"`{key}` must map paths to sha256 digests"
    return None
