"""Run PyInstaller on a generated spec and move its output into `dist/`.

PyInstaller writes `<out>/<name>/` (onedir: the executable plus its contents folder) or `<out>/<name>` (onefile).
gpctl then drops the in-tree library links PyInstaller adds at the top of the contents folder on Linux (the
libraries load from their package folders through their own RPATH), and copies the result next to plugin.json.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from gpctl.errors import BuildError

__all__ = ["drop_internal_links", "install_output", "run_pyinstaller"]


def run_pyinstaller(
    spec: Path, *, out_dir: Path, work_dir: Path, log: IO[str], on_line: Callable[[str], None] | None = None
) -> None:
    """Run `python -m PyInstaller` on `spec`; every output line goes to `log` (and to `on_line` when given).

    Raises:
        BuildError: PyInstaller exits non-zero; the message names the log file.
    """
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "INFO",
        "--distpath",
        str(out_dir),
        "--workpath",
        str(work_dir),
        str(spec),
    ]
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    log.write("$ " + " ".join(command) + "\n")
    log.flush()
    process = subprocess.Popen(
        command,
        cwd=spec.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    for line in process.stdout or ():
        log.write(line)
        if on_line is not None:
            on_line(line.rstrip("\n"))
    code = process.wait()
    log.flush()
    if code != 0:
        raise BuildError(
            f"PyInstaller failed with exit code {code}; the full log is in `{log.name}`.",
            hint="Rerun with -v to see PyInstaller's output as it runs.",
            log_path=Path(log.name),
        )


def drop_internal_links(bundle: Path) -> list[str]:
    """Remove symlinks under `bundle` whose target is a file inside `bundle`; return their relative paths.

    Raises:
        BuildError: a link points outside the bundle or nowhere.
    """
    dropped = []
    root = bundle.resolve()
    for path in sorted(bundle.rglob("*")):
        if not path.is_symlink():
            continue
        target = path.resolve()
        if not target.is_file() or not target.is_relative_to(root):
            raise BuildError(
                f"The bundle has a link `{path.relative_to(bundle)}` to `{path.readlink()}`, "
                "which is not a file inside the bundle."
            )
        path.unlink()
        dropped.append(path.relative_to(bundle).as_posix())
    return dropped


def install_output(built: Path, dist: Path, *, executable: str, contents_dir: str, onefile: bool) -> Path:
    """Copy PyInstaller's output for one target into `dist` (replacing the previous one); return the executable."""
    dest_exe = dist / executable
    dest_contents = dist / contents_dir
    for old in (dest_exe, dest_contents):
        if old.is_symlink() or old.is_file():
            old.unlink()
        elif old.is_dir():
            shutil.rmtree(old)
    dist.mkdir(parents=True, exist_ok=True)
    if onefile:
        shutil.copy2(built, dest_exe)
    else:
        shutil.copy2(built / executable, dest_exe)
        shutil.copytree(built / contents_dir, dest_contents, symlinks=True)
    dest_exe.chmod(0o755)
    return dest_exe
