"""binarypermissions: every file named like the executable is mode 0755 (Windows `.exe` files excepted)."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity
from gpctl.validate.rules.backend import executable_dir

__all__ = ["RULES", "check"]

E = Severity.ERROR
NOT_FOUND = Rule(
    "binary-executable-found", "binarypermissions", E, "No file matches plugin.json's `executable`."
)
MODE = Rule(
    "binary-executable-permissions", "binarypermissions", E, "An executable's mode is not exactly 0755."
)

RULES = (NOT_FOUND, MODE)


def _matching(folder: Path, base: str) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.startswith(base) and not path.is_symlink() and path.is_file():
                found.append(path)
    return found


def check(ctx: Context) -> None:
    """The catalog's binarypermissions analyzer: recursive under the executable's folder, exact 0755."""
    if ctx.root is None:
        return
    for rel, data in sorted(ctx.metadata.items()):
        executable = data.get("executable")
        if not isinstance(executable, str) or not executable:
            continue
        folder = executable_dir(ctx.root, rel, executable)
        base = PurePosixPath(executable).name
        binaries = _matching(folder, base) if folder.is_dir() else []
        if not binaries:
            ctx.report(
                NOT_FOUND,
                rel,
                f"No file for `executable` `{executable}` was found for any platform; build it with `gpctl build`.",
            )
            continue
        for path in binaries:
            if path.suffix == ".exe":
                continue
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode != 0o755:
                ctx.report(
                    MODE,
                    ctx.rel(path),
                    f"The executable's mode is `{mode:04o}`; it must be exactly `0755` (run `chmod 755` before "
                    "zipping, or package with `gpctl package`).",
                )
