from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from gpctl.build import RUNNERS, render_github_workflow


def _run_scripts(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def _gpctl_commands(workflow: dict[str, Any]) -> list[list[str]]:
    commands = []
    for script in _run_scripts(workflow):
        for line in script.splitlines():
            line = line.strip()
            if line.startswith("gpctl "):
                commands.append(shlex.split(line.replace("${{ matrix.target }}", "linux/amd64"))[1:])
    return commands


def test_workflow_parses_and_has_the_native_matrix() -> None:
    workflow = yaml.safe_load(render_github_workflow())
    backend = workflow["jobs"]["backend"]
    include = backend["strategy"]["matrix"]["include"]
    assert [(m["target"], m["runs-on"], m["container"]) for m in include] == [
        ("linux/amd64", "ubuntu-latest", "quay.io/pypa/manylinux_2_28_x86_64"),
        ("linux/arm64", "ubuntu-24.04-arm", "quay.io/pypa/manylinux_2_28_aarch64"),
        ("darwin/amd64", "macos-15-intel", ""),
        ("darwin/arm64", "macos-14", ""),
        ("windows/amd64", "windows-latest", ""),
    ]
    assert [m["suffix"] for m in include] == [
        "linux_amd64",
        "linux_arm64",
        "darwin_amd64",
        "darwin_arm64",
        "windows_amd64",
    ]
    assert len(include) == len(RUNNERS)
    musl = workflow["jobs"]["backend-musl"]
    assert musl["container"] == "python:3.11-alpine"
    assert workflow["jobs"]["package"]["needs"] == ["backend", "backend-musl"]
    # `on` is YAML 1.1's boolean True for PyYAML
    assert set(workflow[True]) == {"push", "pull_request", "workflow_dispatch"}


def test_every_gpctl_command_in_the_workflow_is_real() -> None:
    from gpctl.cli import app

    group = typer.main.get_command(app)
    commands = _gpctl_commands(yaml.safe_load(render_github_workflow()))
    assert {c[0] for c in commands} >= {"build", "package"}
    for args in commands:
        ctx = group.make_context("gpctl", list(args), resilient_parsing=False)  # type: ignore[attr-defined]
        name, command, rest = group.resolve_command(ctx, list(args))  # type: ignore[attr-defined]
        assert command is not None, args
        command.make_context(name, rest, parent=ctx)  # raises on an unknown option


def test_without_musl() -> None:
    workflow = yaml.safe_load(render_github_workflow(musl=False, python="3.12"))
    assert "backend-musl" not in workflow["jobs"]
    assert workflow["jobs"]["package"]["needs"] == ["backend"]
    assert workflow["env"]["PYTHON_VERSION"] == "3.12"
    assert not any("musl" in s for s in _run_scripts(workflow))


def test_cli_writes_and_refuses_to_overwrite(run_cli: Any, project_dir: Path) -> None:
    result = run_cli("ci", "github", str(project_dir))
    dest = project_dir / ".github" / "workflows" / "build.yml"
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {dest}.\n"
    assert yaml.safe_load(dest.read_text())["name"] == "Build plugin"
    again = run_cli("ci", "github", str(project_dir))
    assert again.exit_code == 1
    assert again.stderr == f"error: `{dest}` already exists; pass --force to overwrite it.\n"
    assert run_cli("ci", "github", str(project_dir), "--force").exit_code == 0


@pytest.mark.parametrize("bad", ["--target=darwin/arm64", "--target=linux/386"])
def test_build_cli_rejects_other_targets_fast(run_cli: Any, project_dir: Path, bad: str) -> None:
    result = run_cli("build", str(project_dir), bad)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stdout == ""
