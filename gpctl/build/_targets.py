"""Build targets in Go's naming: `linux/amd64` → file suffix `_linux_amd64`, plus the host and libc checks.

PyInstaller bundles the interpreter and shared libraries of the machine it runs on, so gpctl builds only the host
target; every other target is built on its own native runner (`gpctl ci github` writes that matrix).
"""

from __future__ import annotations

import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gpctl.errors import BuildError

__all__ = [
    "KNOWN_TARGETS",
    "Libc",
    "Target",
    "check_buildable",
    "host_libc",
    "host_target",
    "parse_target",
]

Libc = Literal["glibc", "musl"]

KNOWN_TARGETS: tuple[str, ...] = (
    "linux/amd64",
    "linux/arm64",
    "linux/arm",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
)
"""The six platforms the Go SDK builds by default, in its order."""

_OS_BY_PLATFORM = {"linux": "linux", "darwin": "darwin", "win32": "windows", "cygwin": "windows"}
_ARCH_BY_MACHINE = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv6l": "arm",
    "armv7l": "arm",
    "armv8l": "arm",
    "arm": "arm",
}
_TARGET_RE = re.compile(r"^(?P<os>[a-z]+)[/_-](?P<arch>[a-z0-9]+)$")


@dataclass(frozen=True, order=True)
class Target:
    """One `os/arch` pair, e.g. `Target("linux", "amd64")`."""

    os: str
    arch: str

    def __str__(self) -> str:
        return f"{self.os}/{self.arch}"

    @property
    def suffix(self) -> str:
        """The file-name suffix Grafana looks for, e.g. `linux_amd64`."""
        return f"{self.os}_{self.arch}"

    @property
    def is_windows(self) -> bool:
        return self.os == "windows"

    def executable_name(self, executable: str) -> str:
        """Name of the built file for plugin.json's `executable`, e.g. `gpx_weather_linux_amd64`."""
        base = Path(executable).name
        return f"{base}_{self.suffix}.exe" if self.is_windows else f"{base}_{self.suffix}"

    def contents_dir_name(self, executable: str) -> str:
        """Name of the onedir's library folder next to the executable, unique per target.

        It contains `_<os>_<arch>` so create-plugin's webpack keeps it when it cleans `dist/`.
        """
        return f"{Path(executable).name}_{self.suffix}_internal"


def parse_target(text: str) -> Target:
    """Parse `linux/amd64` (or `linux_amd64`, `linux-amd64`) into a known `Target`.

    Raises:
        BuildError: the text is not one of the known targets.
    """
    match = _TARGET_RE.match(text.strip().lower())
    known = ", ".join(f"`{t}`" for t in KNOWN_TARGETS)
    if match is None:
        raise BuildError(f"Target `{text}` is not `<os>/<arch>`; use one of {known}.")
    target = Target(match["os"], match["arch"])
    if str(target) not in KNOWN_TARGETS:
        raise BuildError(f"Unknown target `{text}`; use one of {known}.")
    return target


def host_target(system: str | None = None, machine: str | None = None) -> Target:
    """The target of the running interpreter (`sys.platform`, `platform.machine()`).

    Raises:
        BuildError: the platform has no Grafana plugin naming.
    """
    system = sys.platform if system is None else system
    machine = platform.machine() if machine is None else machine
    os_name = _OS_BY_PLATFORM.get(system)
    arch = _ARCH_BY_MACHINE.get(machine.lower())
    if os_name is None or arch is None:
        raise BuildError(
            f"This machine (`{system}`/`{machine}`) is not a platform Grafana runs plugins on; "
            f"build on one of {', '.join(f'`{t}`' for t in KNOWN_TARGETS)}."
        )
    return Target(os_name, arch)


def host_libc() -> Libc:
    """`musl` on Alpine-like systems, else `glibc` (also on macOS and Windows, where it does not matter)."""
    if not sys.platform.startswith("linux"):
        return "glibc"
    name, _ = platform.libc_ver()
    if name == "glibc":
        return "glibc"
    if any(Path("/lib").glob("ld-musl-*")):
        return "musl"
    return "glibc"


def check_buildable(target: Target, *, libc: Libc | None = None, host: Target | None = None) -> None:
    """Fail fast when `target` (or `libc`) is not what this machine can build.

    Raises:
        BuildError: the target is not the host, or musl was asked for on a glibc system.
    """
    host = host_target() if host is None else host
    if target != host:
        raise BuildError(
            f"Cannot build `{target}` on this `{host}` machine: PyInstaller bundles the interpreter and "
            "libraries of the machine it runs on and cannot cross-build.",
            hint=(
                f"Build `{target}` on a native `{target}` runner; `gpctl ci github` writes a GitHub Actions "
                "workflow with one job per target."
            ),
        )
    if libc == "musl" and host_libc() != "musl":
        raise BuildError(
            "Cannot build for musl (`--libc musl`) on a glibc system: the bundle links the C library of the "
            "machine it is built on.",
            hint="Run the build in an Alpine container; the `gpctl ci github` workflow has a musl job.",
        )
