"""`gpctl build`: build `dist/` with a self-contained backend for this machine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from gpctl.build import BuildEvent


def register(app: typer.Typer) -> None:
    """Add the `build` command to `app`."""
    app.command("build")(build)


def build(
    path: Annotated[Path, typer.Argument(help="Project directory (default: the current one).")] = Path(),
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="OS/ARCH",
            help="os/arch to build, e.g. linux/amd64 (default: this machine). Other targets build in CI.",
        ),
    ] = None,
    onefile: Annotated[
        bool, typer.Option("--onefile", help="One self-extracting file (slower start on every launch).")
    ] = False,
    skip_frontend: Annotated[
        bool, typer.Option("--skip-frontend", help="Do not run `npm run build`.")
    ] = False,
    libc: Annotated[
        str | None,
        typer.Option(
            "--libc", metavar="LIBC", help="glibc or musl; musl only on a musl system such as Alpine."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild the backend even if nothing changed.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show PyInstaller's output.")] = False,
) -> None:
    """Build dist/: frontend, plugin.json, assets and gpx_<exe>_<os>_<arch> for this machine."""
    from gpctl.build import build as run_build
    from gpctl.cli._console import err_console, out_console
    from gpctl.errors import BuildError
    from gpctl.project import Project

    if libc not in (None, "glibc", "musl"):
        raise BuildError(f"`--libc` must be `glibc` or `musl`; found `{libc}`.")
    project = Project.find(path)
    reporter = _Reporter()
    try:
        result = run_build(
            project,
            targets=target or None,
            onefile=onefile,
            skip_frontend=skip_frontend,
            verbose=verbose,
            progress=reporter,
            libc=libc,  # type: ignore[arg-type]
            force=force,
        )
    finally:
        reporter.close()
    err = err_console()
    for warning in result.warnings:
        err.print(f"warning: {warning}")
    out = out_console()
    for artifact in result.artifacts:
        mode = "onefile" if artifact.onefile else "onedir"
        size = _size(artifact.executable) + (_size(artifact.contents_dir) if artifact.contents_dir else 0)
        rel = project.display_path(artifact.executable)
        out.print(f"{rel} ({artifact.target}, {mode}, {size / 2**20:.1f} MiB)")
    out.print(f"Built {project.display_path(result.dist_dir)}/ in {result.seconds:.1f} s.")


class _Reporter:
    """Show each step with a spinner on a terminal, and one line per finished step."""

    def __init__(self) -> None:
        from gpctl.cli._console import err_console

        self._console = err_console()
        self._status: Any = None
        self._started = 0.0

    def __call__(self, event: BuildEvent) -> None:
        if event.state == "log":
            self._console.print(f"  {event.detail}")
            return
        if event.state == "start":
            self._started = time.monotonic()
            if self._console.is_terminal:
                self._status = self._console.status(event.step)
                self._status.start()
            return
        self.close()
        elapsed = time.monotonic() - self._started
        if event.state == "skipped":
            self._console.print(f"{event.step}: {event.detail or 'skipped'}, reused the previous output")
        else:
            self._console.print(f"{event.step}: done in {elapsed:.1f} s")

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
