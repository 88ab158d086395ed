"""`gpctl update`: render a project from a modified copy of the templates, then update it to other templates."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpctl import __version__
from gpctl.errors import ProjectError, TemplateError
from gpctl.scaffold import ANSWERS_FILE, FileChange, render, templates_root, update

RunCli = Callable[..., Any]
ANSWERS = {"name": "Weather", "org": "acme"}
PROJECT_DIR = "{{cookiecutter.project_dir}}"
PLUGIN_PY = "pkg/weather/plugin.py"


def copy_templates(tmp_path: Path, name: str) -> Path:
    """A private copy of gpctl's templates, to change."""
    copy = tmp_path / name
    shutil.copytree(templates_root(), copy)
    return copy


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def old_templates(tmp_path: Path) -> Path:
    """Templates as an older gpctl had them: README and plugin.py differ, no .gitignore, an extra NOTES.md."""
    old = copy_templates(tmp_path, "old-templates")
    append(old / "datasource" / PROJECT_DIR / "README.md", "\nOld notes.\n")
    append(
        old / "datasource" / PROJECT_DIR / "pkg" / "{{cookiecutter.package_name}}" / "plugin.py", "# old\n"
    )
    (old / "_common" / PROJECT_DIR / ".gitignore").unlink()
    (old / "_common" / PROJECT_DIR / "NOTES.md").write_text("Notes for {{ cookiecutter.plugin_name }}.\n")
    return old


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / ANSWERS_FILE).read_text())
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A datasource project made from the old templates; the user edited plugin.py and tsconfig.json."""
    made = render("datasource", tmp_path / "weather", ANSWERS, templates_dir=old_templates(tmp_path))
    append(made / PLUGIN_PY, "# mine\n")
    append(made / "tsconfig.json", "\n")
    return made


def test_a_fresh_project_is_up_to_date(tmp_path: Path) -> None:
    made = render("app", tmp_path / "sky", ANSWERS)
    before = snapshot(made)

    result = update(made)

    assert {change.action for change in result.changes} == {"unchanged"}
    assert len(result.changes) == len(recorded(made)["files"])
    assert result.summary() == f"{len(result.changes)} unchanged"
    assert (result.project, result.template, result.dry_run) == (made, "app", False)
    assert snapshot(made) == before


def test_update_adds_updates_keeps_edits_and_reports_removed_files(project: Path, tmp_path: Path) -> None:
    old_record = recorded(project)
    old_plugin = (project / PLUGIN_PY).read_text()

    result = update(project)

    assert [c for c in result.changes if c.action != "unchanged"] == [
        FileChange(".gitignore", "added"),
        FileChange("README.md", "updated"),
        FileChange(PLUGIN_PY, "conflict"),
        FileChange("NOTES.md", "removed upstream"),
    ]
    assert "tsconfig.json" in result.paths("unchanged")  # edited, but the template has nothing new for it
    assert result.summary() == "1 added, 1 updated, 1 conflict, 19 unchanged, 1 removed upstream"
    assert result.conflicts == [PLUGIN_PY]
    assert FileChange(PLUGIN_PY, "conflict").new_path == "pkg/weather/plugin.py.gpctl-new"
    assert FileChange(PLUGIN_PY, "updated").new_path is None
    fresh = render("datasource", tmp_path / "fresh", ANSWERS)  # what the current templates make
    assert (project / ".gitignore").read_bytes() == (fresh / ".gitignore").read_bytes()
    assert (project / "README.md").read_bytes() == (fresh / "README.md").read_bytes()
    assert (project / PLUGIN_PY).read_text() == old_plugin  # the user's file is never overwritten
    assert (project / "pkg/weather/plugin.py.gpctl-new").read_bytes() == (fresh / PLUGIN_PY).read_bytes()
    assert (project / "tsconfig.json").read_text().endswith("}\n\n")
    assert (project / "NOTES.md").read_text() == "Notes for Weather.\n"  # reported, never deleted

    record = recorded(project)
    assert list(record) == [*old_record, "conflicts"]
    assert record["gpctl_version"] == __version__
    assert record["files"][PLUGIN_PY] == old_record["files"][PLUGIN_PY]  # the edit stays visible
    assert record["conflicts"] == {PLUGIN_PY: sha(project / "pkg/weather/plugin.py.gpctl-new")}
    assert record["files"][".gitignore"] == sha(project / ".gitignore")
    assert record["files"]["README.md"] == sha(project / "README.md")
    assert "NOTES.md" not in record["files"]
    assert ".gpctl-answers.json" not in record["files"]


def test_dry_run_changes_nothing_and_returns_the_same_plan(project: Path) -> None:
    before = snapshot(project)

    planned = update(project, dry_run=True)

    assert snapshot(project) == before
    assert planned.dry_run is True
    done = update(project)
    assert done.changes == planned.changes
    assert done.dry_run is False


def test_an_unresolved_conflict_stays_a_conflict(project: Path) -> None:
    update(project)
    mine = (project / PLUGIN_PY).read_text()

    again = update(project)

    assert [c for c in again.changes if c.action != "unchanged"] == [FileChange(PLUGIN_PY, "conflict")]
    assert (project / PLUGIN_PY).read_text() == mine


def test_a_second_update_after_resolving_is_clean(project: Path) -> None:
    update(project)
    merged = (project / "pkg/weather/plugin.py.gpctl-new").read_text() + "# mine, merged\n"
    (project / PLUGIN_PY).write_text(merged)
    (project / "pkg/weather/plugin.py.gpctl-new").unlink()

    again = update(project)

    assert {change.action for change in again.changes} == {"unchanged"}
    assert (project / PLUGIN_PY).read_text() == merged
    record = recorded(project)
    assert "conflicts" not in record
    assert record["files"][PLUGIN_PY] != sha(project / PLUGIN_PY)  # still seen as the user's edit


def test_taking_the_templates_version_resolves_the_conflict(project: Path) -> None:
    update(project)
    (project / "pkg/weather/plugin.py.gpctl-new").replace(project / PLUGIN_PY)

    again = update(project)

    assert {change.action for change in again.changes} == {"unchanged"}
    assert recorded(project)["files"][PLUGIN_PY] == sha(project / PLUGIN_PY)


def test_new_files_keep_their_executable_bit(tmp_path: Path) -> None:
    made = render("streaming", tmp_path / "live", ANSWERS)
    new = copy_templates(tmp_path, "new-templates")
    script = new / "_common" / PROJECT_DIR / "scripts" / "lint.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\nruff check .\n")
    script.chmod(0o755)
    gitignore = new / "_common" / PROJECT_DIR / ".gitignore"
    append(gitignore, "*.gpctl-new\n")
    gitignore.chmod(0o755)

    result = update(made, templates_dir=new)

    assert [c for c in result.changes if c.action != "unchanged"] == [
        FileChange(".gitignore", "updated"),
        FileChange("scripts/lint.sh", "added"),
    ]
    assert os.access(made / "scripts" / "lint.sh", os.X_OK)
    assert os.access(made / ".gitignore", os.X_OK)
    assert (made / ".gitignore").read_text().endswith("*.gpctl-new\n")


def test_a_project_without_recorded_hashes_gets_conflicts_not_overwrites(project: Path) -> None:
    record = recorded(project)
    del record["files"], record["year"]
    (project / ANSWERS_FILE).write_text(json.dumps(record, indent=2) + "\n")
    readme = (project / "README.md").read_text()

    result = update(project)

    assert [c for c in result.changes if c.action != "unchanged"] == [
        FileChange(".gitignore", "added"),
        FileChange("README.md", "conflict"),
        FileChange(PLUGIN_PY, "conflict"),
        FileChange("tsconfig.json", "conflict"),  # edited, and no hash says so
    ]
    assert (project / "README.md").read_text() == readme
    assert (project / "README.md.gpctl-new").is_file()
    new_record = recorded(project)
    assert set(new_record["conflicts"]) == {"README.md", PLUGIN_PY, "tsconfig.json"}
    assert "README.md" not in new_record["files"]
    assert new_record["files"]["LICENSE"] == sha(project / "LICENSE")
    assert new_record["year"] == str(datetime.date.today().year)


def test_removed_upstream_is_reported_once(project: Path) -> None:
    update(project)
    assert update(project).paths("removed upstream") == []
    assert (project / "NOTES.md").is_file()


def test_the_plugin_id_and_year_are_kept(project: Path) -> None:
    record = recorded(project)
    record["year"] = "2020"
    (project / ANSWERS_FILE).write_text(json.dumps(record, indent=2) + "\n")

    update(project)

    assert (project / "LICENSE").read_text().startswith("Copyright 2020 acme")
    assert json.loads((project / "src" / "plugin.json").read_text())["id"] == "acme-weather-datasource"


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        update(tmp_path)
    assert info.value.message == f"`{tmp_path}` is not a gpctl project: it has no `.gpctl-answers.json`."
    assert info.value.hint == "Run `gpctl update` in a directory made by `gpctl new`, or pass that directory."
    with pytest.raises(ProjectError) as info:
        update(tmp_path / "missing")
    assert info.value.message == f"`{tmp_path / 'missing'}` is not a directory."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON: Expecting property name enclosed in double quotes at line 1."),
        ("[]", "is not a gpctl answers file: it holds no JSON object."),
        ('{"answers": {}}', "is not a gpctl answers file: `template` is missing."),
        ('{"template": "app"}', "is not a gpctl answers file: `answers` must map questions to strings."),
        (
            '{"template": "app", "answers": {}, "files": {"a": 1}}',
            "is not a gpctl answers file: `files` must map paths to sha256 digests.",
        ),
    ],
)
def test_invalid_answers_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / ANSWERS_FILE).write_text(content)
    with pytest.raises(ProjectError) as info:
        update(tmp_path)
    assert info.value.message == f"`{tmp_path / ANSWERS_FILE}` {message}"
    assert info.value.hint == "Fix it, or restore it from version control."
    assert sorted(p.name for p in tmp_path.iterdir()) == [ANSWERS_FILE]


def test_unknown_template_and_bad_answers(tmp_path: Path) -> None:
    answers_file = tmp_path / ANSWERS_FILE
    answers_file.write_text('{"template": "panel", "gpctl_version": "0.0.1", "answers": {}}')
    with pytest.raises(TemplateError) as info:
        update(tmp_path)
    assert info.value.message == (
        f"`{answers_file}` names template `panel`, which gpctl {__version__} does not have "
        "(it has `datasource`, `app`, `streaming`)."
    )
    assert info.value.hint == "Update with a gpctl that has it (the project was made by gpctl `0.0.1`)."

    answers_file.write_text('{"template": "app", "answers": {"name": "Weather"}}')
    with pytest.raises(ProjectError) as info:
        update(tmp_path)
    assert info.value.message == (
        f"The answers recorded in `{answers_file}` are not valid: The organization is missing; pass `--org`."
    )
    assert info.value.hint == "Correct them in that file."


def test_cli_update(run_cli: RunCli, project: Path) -> None:
    result = run_cli("update", str(project))

    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "added             .gitignore\n"
        "updated           README.md\n"
        "conflict          pkg/weather/plugin.py (template's version in pkg/weather/plugin.py.gpctl-new)\n"
        "removed upstream  NOTES.md (kept; delete it if you no longer need it)\n"
        f"Updated {project} to gpctl {__version__}: "
        "1 added, 1 updated, 1 conflict, 19 unchanged, 1 removed upstream.\n"
        "1 file keeps its edits: merge what you want from each `.gpctl-new` file, then delete it.\n"
    )


def test_cli_dry_run(run_cli: RunCli, project: Path) -> None:
    before = snapshot(project)

    result = run_cli("update", str(project), "--dry-run")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        "Dry run, nothing written: 1 added, 1 updated, 1 conflict, 19 unchanged, 1 removed upstream.",
        "1 file keeps its edits: merge what you want from each `.gpctl-new` file, then delete it.",
    ]
    assert snapshot(project) == before


def test_cli_up_to_date_in_the_current_directory(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = render("app", tmp_path / "sky", ANSWERS)
    monkeypatch.chdir(made)

    result = run_cli("update")

    assert result.exit_code == 0
    assert result.stdout == f"{made} is up to date with gpctl {__version__}: 20 unchanged.\n"


def test_cli_not_a_project(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("update", str(tmp_path))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: `{tmp_path}` is not a gpctl project: it has no `.gpctl-answers.json`. "
        "Run `gpctl update` in a directory made by `gpctl new`, or pass that directory.\n"
    )
