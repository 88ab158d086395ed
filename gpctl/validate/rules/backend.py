"""backendbinary: plugin.json's backend fields agree, and each executable is what its name claims.

The validator's consistency checks keep its ids (including its `backend-binary-mission` spelling). gpctl adds
its own header checks instead of the catalog's Go build-info test: every `<executable>_<os>_<arch>[.exe]` must be
an ELF / Mach-O / PE of that OS and architecture; Linux executables report their libc and the highest
`GLIBC_x.y` symbol version needed by the executable and its bundled libraries.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from gpctl.validate._binary import ExecutableHeader, highest_version, read_header
from gpctl.validate._context import Context
from gpctl.validate._report import BinaryInfo, Rule, Severity

__all__ = [
    "GLIBC_FLOOR",
    "KNOWN_TARGETS",
    "RULES",
    "check",
    "executable_dir",
    "executable_file",
    "executables",
]

E, W, R = Severity.ERROR, Severity.WARNING, Severity.RECOMMENDATION
ALERTING = Rule(
    "alerting-found-but-backend-false", "backendbinary", E, "`alerting` is true but `backend` is not."
)
UNDECLARED = Rule(
    "backend-found-but-not-declared", "backendbinary", E, "`executable` is set but `backend` is not true."
)
MISSING = Rule(
    "backend-binary-mission",
    "backendbinary",
    E,
    "`backend` is true without `executable`, or no binary exists.",
)
TARGET_MISSING = Rule(
    "backend-binary-target-missing",
    "backendbinary",
    E,
    "A declared target has no executable.",
    official=False,
)
EXTRA_TARGET = Rule(
    "backend-binary-extra-target", "backendbinary", W, "A per-arch zip holds another target.", official=False
)
NAME = Rule(
    "backend-binary-name", "backendbinary", E, "`.exe` on a non-Windows name or missing on Windows.", False
)
UNKNOWN_TARGET = Rule(
    "backend-binary-unknown-target",
    "backendbinary",
    W,
    "The name's `<os>_<arch>` is not a Grafana target.",
    False,
)
FORMAT = Rule(
    "backend-binary-format",
    "backendbinary",
    E,
    "The file is not an ELF, Mach-O or PE executable.",
    official=False,
)
OS_MISMATCH = Rule(
    "backend-binary-os-mismatch",
    "backendbinary",
    E,
    "The header's OS differs from the name's.",
    official=False,
)
ARCH_MISMATCH = Rule(
    "backend-binary-arch-mismatch",
    "backendbinary",
    E,
    "The header's architecture differs from the name's.",
    False,
)
LIBC_MISMATCH = Rule(
    "backend-binary-libc-mismatch",
    "backendbinary",
    E,
    "A `musl` zip holds a glibc executable.",
    official=False,
)
GLIBC = Rule(
    "backend-binary-glibc",
    "backendbinary",
    R,
    "The bundle needs a glibc newer than manylinux_2_28.",
    official=False,
)

RULES = (
    ALERTING,
    UNDECLARED,
    MISSING,
    TARGET_MISSING,
    EXTRA_TARGET,
    NAME,
    UNKNOWN_TARGET,
    FORMAT,
    OS_MISMATCH,
    ARCH_MISMATCH,
    LIBC_MISMATCH,
    GLIBC,
)

KNOWN_TARGETS = ("linux/amd64", "linux/arm64", "linux/arm", "darwin/amd64", "darwin/arm64", "windows/amd64")
GLIBC_FLOOR = "2.28"
"""manylinux_2_28: what pyarrow wheels need anyway, and what RHEL 8 / Debian 10 provide."""


@dataclass(frozen=True)
class Executable:
    """A file named `<executable>_<os>_<arch>[.exe]` next to where plugin.json's `executable` points."""

    path: Path
    plugin_json: str
    os: str
    arch: str
    has_exe: bool

    @property
    def target(self) -> str:
        return f"{self.os}/{self.arch}"


def _bool(data: dict[str, Any], key: str) -> bool:
    return data.get(key) is True


def executable_file(executable: str, target: str) -> str:
    """The file Grafana starts for `target` (`os/arch`), e.g. `gpx_weather_linux_amd64` or `..._windows_amd64.exe`."""
    os_name, arch = target.split("/")
    return f"{PurePosixPath(executable).name}_{os_name}_{arch}" + (".exe" if os_name == "windows" else "")


def executable_dir(root: Path, rel: str, executable: str) -> Path:
    """The folder plugin.json at `rel` (relative to `root`) points its `executable` into."""
    return root / PurePosixPath(rel).parent / PurePosixPath(executable).parent


def executables(ctx: Context) -> list[Executable]:
    """Every `<executable>_<os>_<arch>[.exe]` file for every plugin.json that declares an executable."""
    found: list[Executable] = []
    if ctx.root is None:
        return found
    seen: set[Path] = set()
    for rel, data in sorted(ctx.metadata.items()):
        executable = data.get("executable")
        if not isinstance(executable, str) or not executable:
            continue
        base = PurePosixPath(executable).name
        pattern = re.compile(rf"^{re.escape(base)}_(?P<os>[a-z0-9]+)_(?P<arch>[a-z0-9]+)(?P<exe>\.exe)?$")
        folder = Path(os.path.normpath(executable_dir(ctx.root, rel, executable)))
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            match = pattern.match(path.name)
            if match is None or path in seen or path.is_symlink() or not path.is_file():
                continue
            seen.add(path)
            found.append(Executable(path, rel, match["os"], match["arch"], bool(match["exe"])))
    return found


def _check_declaration(ctx: Context, root: Path) -> None:
    for rel, data in sorted(ctx.metadata.items()):
        executable = data.get("executable") if isinstance(data.get("executable"), str) else ""
        backend = _bool(data, "backend")
        if _bool(data, "alerting") and not backend:
            ctx.report(
                ALERTING,
                rel,
                "`alerting` is true but `backend` is not; alerting needs a backend: set `backend: true`.",
            )
        elif executable and not backend:
            ctx.report(
                UNDECLARED,
                rel,
                f"`executable` is `{executable}` but `backend` is not true; set `backend: true` or remove `executable`.",
            )
        elif backend and not executable:
            ctx.report(
                MISSING, rel, "`backend` is true but `executable` is missing; set it, e.g. `gpx_weather`."
            )
        elif executable:
            folder = executable_dir(root, rel, executable)
            base = PurePosixPath(executable).name
            if not folder.is_dir() or not any(p.name.startswith(base) for p in folder.iterdir()):
                ctx.report(
                    MISSING,
                    rel,
                    f"`executable` is `{executable}` but no `{base}_<os>_<arch>` file exists; build it with "
                    "`gpctl build`.",
                )


def _bundle_glibc(exe: Executable, header: ExecutableHeader) -> str | None:
    """Highest GLIBC version needed by the executable and the ELF files of its onedir contents folder."""
    versions = list(header.glibc_versions)
    for folder in (exe.path.with_name(f"{exe.path.name}_internal"), exe.path.with_name("_internal")):
        if not folder.is_dir():
            continue
        for lib in folder.rglob("*"):
            if lib.is_file() and not lib.is_symlink():
                versions.extend(read_header(lib).glibc_versions)  # empty for anything but ELF
    return highest_version(versions)


def _check_executable(ctx: Context, exe: Executable) -> None:
    rel = ctx.rel(exe.path)
    header = read_header(exe.path)
    if exe.target not in KNOWN_TARGETS:
        names = ", ".join(f"`{t}`" for t in KNOWN_TARGETS)
        ctx.report(
            UNKNOWN_TARGET, rel, f"`{exe.os}_{exe.arch}` is not a target Grafana runs plugins on ({names})."
        )
    if exe.os == "windows" and not exe.has_exe:
        ctx.report(NAME, rel, f"Windows executables must end in `.exe`; rename it to `{exe.path.name}.exe`.")
    elif exe.os != "windows" and exe.has_exe:
        ctx.report(NAME, rel, f"Only Windows executables end in `.exe`; Grafana looks for `{exe.path.stem}`.")
    glibc = None
    known = exe.target in KNOWN_TARGETS
    if header.format == "unknown":
        ctx.report(
            FORMAT, rel, "The file is not an ELF, Mach-O or PE executable; rebuild it with `gpctl build`."
        )
    elif known and header.os != exe.os:
        ctx.report(
            OS_MISMATCH,
            rel,
            f"The name says `{exe.os}` but the file is a {header.format} ({header.os}) executable.",
        )
    elif known and exe.arch not in (header.archs or (header.arch,)):
        claimed = "/".join(header.archs) if len(header.archs) > 1 else header.arch
        ctx.report(
            ARCH_MISMATCH, rel, f"The name says `{exe.arch}` but the {header.format} header says `{claimed}`."
        )
    variant = ctx.archive.variant if ctx.archive is not None else None
    if variant == "musl" and exe.os == "linux" and header.libc == "glibc":
        ctx.report(
            LIBC_MISMATCH,
            rel,
            "The zip's name says `musl` but the executable links glibc; build it on Alpine with `gpctl build "
            "--libc musl`.",
        )
    if header.libc == "glibc":
        glibc = _bundle_glibc(exe, header)
        if glibc and highest_version([glibc, GLIBC_FLOOR]) != GLIBC_FLOOR:
            ctx.report(
                GLIBC,
                rel,
                f"The bundle needs `GLIBC_{glibc}`, so it fails on hosts with an older glibc (Ubuntu 22.04 has "
                f"2.35, RHEL 8 has 2.28); build Linux targets in a manylinux_2_28 image (`gpctl ci github`).",
            )
    ctx.binaries.append(
        BinaryInfo(
            path=ctx.show(rel),
            target=exe.target,
            format=header.format,
            arch=header.arch,
            bits=header.bits,
            mode=f"{stat.S_IMODE(exe.path.stat().st_mode):04o}",
            libc=header.libc,
            glibc=glibc,
            go_build_info=header.go_build_info,
        )
    )


def _check_targets(ctx: Context, found: list[Executable]) -> None:
    main = ctx.main or {}
    executable = main.get("executable")
    if not isinstance(executable, str) or not executable:
        return
    present = {e.target for e in found if e.plugin_json == "plugin.json"}
    for target in ctx.targets:
        if target not in present:
            name = executable_file(executable, target)
            ctx.report(TARGET_MISSING, name, f"Target `{target}` is declared but `{name}` does not exist.")
    if ctx.archive is not None and ctx.archive.per_arch_target:
        for target in sorted(present - {ctx.archive.per_arch_target}):
            ctx.report(
                EXTRA_TARGET,
                "plugin.json",
                f"This `{ctx.archive.per_arch_target}` zip also holds a `{target}` executable; per-arch zips should "
                "hold only their own.",
            )


def check(ctx: Context) -> None:
    """All backendbinary checks and the executables list."""
    if ctx.root is None:
        return
    _check_declaration(ctx, ctx.root)
    found = executables(ctx)
    for exe in found:
        _check_executable(ctx, exe)
    _check_targets(ctx, found)
