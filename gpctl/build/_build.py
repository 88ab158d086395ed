"""`build()`: frontend, assets, plugin.json and one PyInstaller bundle per target into the project's `dist/`."""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from gpctl import __version__
from gpctl.build._analysis import missing_excluded
from gpctl.build._assets import build_time, copy_assets, run_frontend, write_plugin_json
from gpctl.build._pyinstaller import drop_internal_links, install_output, run_pyinstaller
from gpctl.build._settings import (
    declared_requirements,
    dependency_closure,
    implied_top_level,
    imported_top_level,
    load_settings,
    source_files,
)
from gpctl.build._spec import EXCLUDES, OPTIONAL_MODULES, SpecOptions, render_entry, render_spec
from gpctl.build._targets import Libc, Target, check_buildable, host_libc, host_target, parse_target
from gpctl.errors import ProjectError
from gpctl.project import Project

__all__ = ["ONEFILE_WARNING", "Artifact", "BuildEvent", "BuildResult", "Progress", "build", "work_dir"]

ONEFILE_WARNING = (
    "--onefile unpacks the whole bundle into a temporary folder on every start (0.6-1.3 s per start), and when "
    "Grafana kills the plugin (SIGKILL after its grace period) the unpacked folder is left behind; prefer the "
    "default onedir build."
)


@dataclass(frozen=True)
class BuildEvent:
    """One progress report: a step starts, finishes or is skipped, or (with `verbose`) a log line."""

    step: str
    state: Literal["start", "done", "skipped", "log"]
    detail: str = ""


Progress = Callable[[BuildEvent], None]


@dataclass(frozen=True)
class Artifact:
    """The backend built for one target."""

    target: Target
    libc: Libc
    executable: Path
    contents_dir: Path | None
    onefile: bool
    reused: bool
    """True when the inputs were unchanged and the previous bundle was reused."""


@dataclass(frozen=True)
class BuildResult:
    dist_dir: Path
    plugin_json: Path
    artifacts: tuple[Artifact, ...]
    log_path: Path
    seconds: float
    warnings: tuple[str, ...] = field(default=())

    @property
    def executables(self) -> list[Path]:
        return [a.executable for a in self.artifacts]


def work_dir(project: Project) -> Path:
    """Where gpctl keeps specs, PyInstaller's work files and logs: `<root>/.gpctl/build`."""
    return project.root / ".gpctl" / "build"


def build(
    project: Project,
    *,
    targets: Sequence[str | Target] | None = None,
    onefile: bool = False,
    skip_frontend: bool = False,
    verbose: bool = False,
    progress: Progress | None = None,
    libc: Libc | None = None,
    force: bool = False,
) -> BuildResult:
    """Build the project's `dist/`: frontend, plugin.json, assets and one backend bundle per target.

    Args:
        project: the plugin project.
        targets: `os/arch` strings or `Target`s; default is the host. Only the host can be built.
        onefile: one self-extracting file instead of an executable plus its contents folder.
        skip_frontend: do not run `npm run build` even when package.json exists.
        verbose: report PyInstaller's output lines as `log` events.
        progress: called with a `BuildEvent` as steps start and finish.
        libc: `musl` to insist on a musl build (only possible on a musl system).
        force: rebuild the backend even when its inputs did not change.

    Raises:
        BuildError: a target cannot be built here, or a build step failed (the message names the log).
        ProjectError: the project has no `executable` in plugin.json or a bad `[tool.gpctl.build]`.
    """
    started = time.monotonic()
    report = progress or (lambda event: None)
    chosen = _targets(targets)
    actual_libc = host_libc()
    for target in chosen:
        check_buildable(target, libc=libc)
    if not project.executable:
        if project.plugin_json.get("backend"):
            raise ProjectError(
                f'`{project.plugin_json_path}` has `"backend": true` but no `executable`, so the backend '
                "has no file name.",
                hint='Add `"executable": "gpx_<name>"` to plugin.json.',
            )
        chosen = []  # a frontend-only plugin: plugin.json, assets and the frontend
    settings = load_settings(project.root / "pyproject.toml")
    work = work_dir(project)
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "build.log"
    dist = project.dist_dir
    when = build_time()
    warnings: tuple[str, ...] = (ONEFILE_WARNING,) if onefile else ()
    with log_path.open("w", encoding="utf-8") as log:
        if (project.root / "package.json").is_file() and not skip_frontend:
            report(BuildEvent("Build the frontend (npm run build)", "start"))
            run_frontend(project.root, log)
            report(BuildEvent("Build the frontend (npm run build)", "done"))
        report(BuildEvent("Write plugin.json and assets", "start"))
        dist.mkdir(parents=True, exist_ok=True)
        plugin_json = dist / "plugin.json"
        write_plugin_json(
            project.plugin_json_path,
            plugin_json,
            version=project.version,
            plugin_id=project.plugin_id,
            when=when,
        )
        copy_assets(
            project.root,
            project.plugin_json_path.parent,
            dist,
            version=project.version,
            plugin_id=project.plugin_id,
            when=when,
        )
        report(BuildEvent("Write plugin.json and assets", "done"))
        artifacts = []
        for target in chosen:
            step = f"Bundle the backend for {target} (PyInstaller)"
            report(BuildEvent(step, "start"))
            artifact = _build_target(
                project,
                target,
                libc=actual_libc,
                onefile=onefile,
                settings_excludes=_excludes(project, settings.excludes, settings.hidden_imports),
                hidden_imports=settings.hidden_imports,
                optimize=settings.optimize,
                work=work,
                log=log,
                when=when,
                force=force,
                on_line=_log_reporter(report, step) if verbose else None,
            )
            report(
                BuildEvent(
                    step, "skipped" if artifact.reused else "done", "unchanged" if artifact.reused else ""
                )
            )
            artifacts.append(artifact)
            stem = Path(artifact.executable.name).stem
            warn_file = work_dir_for(work, target, actual_libc) / "pyinstaller" / stem / f"warn-{stem}.txt"
            warnings += tuple(missing_excluded(warn_file, OPTIONAL_MODULES))
    return BuildResult(
        dist_dir=dist,
        plugin_json=plugin_json,
        artifacts=tuple(artifacts),
        log_path=log_path,
        seconds=time.monotonic() - started,
        warnings=warnings,
    )


def work_dir_for(work: Path, target: Target, libc: Libc) -> Path:
    """The folder of one target's spec, entry script and PyInstaller work files."""
    return work / (target.suffix if libc == "glibc" else f"{target.suffix}_{libc}")


def _log_reporter(report: Progress, step: str) -> Callable[[str], None]:
    def on_line(line: str) -> None:
        report(BuildEvent(step, "log", line))

    return on_line


def _targets(targets: Sequence[str | Target] | None) -> list[Target]:
    if not targets:
        return [host_target()]
    chosen = [t if isinstance(t, Target) else parse_target(t) for t in targets]
    return sorted(set(chosen))


def _excludes(project: Project, extra: Sequence[str], hidden_imports: Sequence[str]) -> tuple[str, ...]:
    """The spec's excludes: the slim list, the optional modules neither the plugin's imports nor its `[project]
    dependencies` need, and `extra`."""
    files = source_files(project.source_dir)
    imported = imported_top_level(files) | implied_top_level(files)
    wanted = dependency_closure(
        imported | {h.partition(".")[0] for h in hidden_imports},
        declared_requirements(project.root / "pyproject.toml"),
    )
    optional = [name for name in OPTIONAL_MODULES if name not in wanted]
    return (*EXCLUDES, *optional, *extra)


def _build_target(
    project: Project,
    target: Target,
    *,
    libc: Libc,
    onefile: bool,
    settings_excludes: Sequence[str],
    hidden_imports: Sequence[str],
    optimize: int,
    work: Path,
    log: IO[str],
    when: float,
    force: bool,
    on_line: Callable[[str], None] | None,
) -> Artifact:
    executable = project.executable or ""
    name = target.executable_name(executable)
    contents = target.contents_dir_name(executable)
    tdir = work_dir_for(work, target, libc)
    tdir.mkdir(parents=True, exist_ok=True)
    entry = tdir / "gpctl_entry.py"
    build_info = {"pluginID": project.plugin_id, "version": project.version, "time": str(int(when * 1000))}
    strip_tool = shutil.which("strip") if sys.platform.startswith("linux") else None
    options = SpecOptions(
        entry=entry,
        pathex=[project.source_dir],
        name=name,
        contents_directory=contents,
        onefile=onefile,
        excludes=settings_excludes,
        hidden_imports=hidden_imports,
        strip_dir=tdir / "stripped" if strip_tool else None,
        strip_tool=strip_tool or "strip",
        optimize=optimize,
    )
    spec_text = render_spec(options)
    entry_text = render_entry(project.plugin_ref, build_info)
    inputs = _inputs(project, spec_text, render_entry(project.plugin_ref, {**build_info, "time": ""}))
    stamp = tdir / "inputs.json"
    out = tdir / "out"
    built = out / name
    previous = _read_inputs(stamp)
    if not force and previous == inputs and built.exists():
        if not _installed(built, project.dist_dir, name, contents, onefile):
            # dist/ lost or replaced the bundle (a cleaned dist/, a dev launcher): copy the cached one again
            install_output(built, project.dist_dir, executable=name, contents_dir=contents, onefile=onefile)
        return _artifact(project, target, libc, name, contents, onefile, reused=True)
    if previous is not None and previous != inputs:
        changed = sorted(k for k in inputs.keys() | previous.keys() if inputs.get(k) != previous.get(k))
        log.write(f"{target}: inputs changed since the last build: {', '.join(changed)}\n")
    stamp.unlink(missing_ok=True)
    entry.write_text(entry_text, encoding="utf-8")
    spec = tdir / f"{Path(name).stem}.spec"
    spec.write_text(spec_text, encoding="utf-8")
    if built.is_dir():
        shutil.rmtree(built)
    run_pyinstaller(spec, out_dir=out, work_dir=tdir / "pyinstaller", log=log, on_line=on_line)
    if not onefile and target.os == "linux":
        drop_internal_links(built / contents)
    install_output(built, project.dist_dir, executable=name, contents_dir=contents, onefile=onefile)
    stamp.write_text(json.dumps(inputs, indent=1, sort_keys=True), encoding="utf-8")
    return _artifact(project, target, libc, name, contents, onefile, reused=False)


def _installed(built: Path, dist: Path, name: str, contents: str, onefile: bool) -> bool:
    """Whether `dist` holds exactly the cached bundle's executable (and its contents folder)."""
    source = built if onefile else built / name
    target = dist / name
    if not target.is_file() or not filecmp.cmp(source, target, shallow=False):
        return False
    return onefile or (dist / contents).is_dir()


def _read_inputs(stamp: Path) -> dict[str, str] | None:
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _artifact(
    project: Project, target: Target, libc: Libc, name: str, contents: str, onefile: bool, *, reused: bool
) -> Artifact:
    return Artifact(
        target=target,
        libc=libc,
        executable=project.dist_dir / name,
        contents_dir=None if onefile else project.dist_dir / contents,
        onefile=onefile,
        reused=reused,
    )


def _inputs(project: Project, spec_text: str, entry_text: str) -> dict[str, str]:
    """Hashes of everything the bundle depends on that can change between two builds on this machine."""

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    inputs = {
        "gpctl": __version__,
        "python": f"{sys.version} {sys.executable}",
        "spec": digest(spec_text.encode()),
        "entry": digest(entry_text.encode()),
        "plugin.json": digest(project.plugin_json_path.read_bytes()),
        "pyproject.toml": digest((project.root / "pyproject.toml").read_bytes()),
    }
    sdk_dir = Path(__file__).resolve().parents[1] / "sdk"
    for label, root in (("source", project.source_dir), ("gpctl.sdk", sdk_dir)):
        for path in source_files(root):
            inputs[f"{label}:{path.relative_to(root).as_posix()}"] = digest(path.read_bytes())
    return inputs
