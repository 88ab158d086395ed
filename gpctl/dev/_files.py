"""The files `gpctl dev` puts in the plugin's dist directory so Grafana connects to the dev server.

Grafana starts `dist/gpx_<exe>_<os>_<arch>`. When that file is the dev launcher (or a built executable: both go
through `gpctl.sdk.serve`) and `standalone.txt` next to it names the dev server's address while the process in
`pid.txt` is alive, the executable runs in locator mode: it prints `1|2|tcp|<address>|grpc` and Grafana's go-plugin
client talks straight to the dev server (protocol.md §3.5). A stale `pid.txt` falls back to normal serving.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from gpctl.errors import DevError
from gpctl.project import Project

__all__ = [
    "LAUNCHER_MARKER",
    "DevFiles",
    "address_env_var",
    "choose_address",
    "executable_name",
    "kill_running",
    "read_address",
]

LAUNCHER_MARKER = "# gpctl dev launcher"
_LOCAL = "127.0.0.1"


def address_env_var(plugin_id: str) -> str:
    """Name of the variable the Go SDK reads for a plugin's standalone address, e.g. `GF_PLUGIN_GRPC_ADDRESS_ACME_X`."""
    # the name gpctl.sdk.serve reads; imported here because the SDK is slow to import
    from gpctl.sdk._serve import _address_env

    return _address_env(plugin_id)


def executable_name(executable: str) -> str:
    """Return the file name Grafana execs for `executable` on this machine, e.g. `gpx_weather_linux_amd64`."""
    # imported here: the dev launcher imports this module at startup and needs nothing from gpctl.build
    from gpctl.build._targets import host_target

    return host_target().executable_name(executable)


def choose_address(plugin_id: str, requested: str | None = None) -> str:
    """Pick the dev server's address: `requested`, else `GF_PLUGIN_GRPC_ADDRESS_<ID>`, else a free loopback port.

    Raises:
        DevError: the address is malformed or already in use.
    """
    address = requested or os.environ.get(address_env_var(plugin_id), "")
    if not address:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((_LOCAL, 0))
            return f"{_LOCAL}:{probe.getsockname()[1]}"
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise DevError(f"Dev server address `{address}` is not `HOST:PORT`.")
    host = host or _LOCAL
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise DevError(
                f"Cannot listen on `{host}:{port}`: {exc.strerror or exc}.",
                hint="Stop the other dev server, or pass another --address.",
            ) from None
    return f"{host}:{port}"


def kill_running(executable: Path) -> list[int]:
    """SIGKILL processes started from `executable` (as the Go SDK's standalone mode does), so Grafana restarts them.

    Linux only (reads `/proc`); returns the PIDs killed.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    target = str(executable)
    killed = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(arg.decode(errors="replace") == target for arg in argv):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
            except OSError:
                continue
    return killed


def _launcher_script(project: Project) -> str:
    python = shlex.quote(sys.executable)
    root = shlex.quote(str(project.root))
    return (
        f'#!/bin/sh\n{LAUNCHER_MARKER}: Grafana runs this; it points Grafana at `gpctl dev` or serves "{project.name}".\n'
        f'exec {python} -m gpctl.dev._launcher "$0" {root}\n'
    )


@dataclass
class DevFiles:
    """Writes and removes the dev files in `dist`; removes only what it wrote."""

    project: Project
    address: str
    written: list[Path] = field(default_factory=list)

    @property
    def dist(self) -> Path:
        return self.project.dist_dir

    @property
    def launcher(self) -> Path:
        executable = self.project.executable
        if not executable:
            raise DevError(
                f"`{self.project.plugin_json_path}` has no `executable`; `gpctl dev` needs a backend plugin.",
                hint='Add `"backend": true` and `"executable": "gpx_<name>"` to plugin.json.',
            )
        return self.dist / executable_name(executable)

    def write(self) -> None:
        """Write plugin.json (when missing), the launcher (unless a built executable is there), and the locator files."""
        self.dist.mkdir(parents=True, exist_ok=True)
        plugin_json = self.dist / "plugin.json"
        if not plugin_json.exists():
            shutil.copyfile(self.project.plugin_json_path, plugin_json)
            self.written.append(plugin_json)
        launcher = self.launcher
        if not launcher.exists() or _is_launcher(launcher):
            launcher.write_text(_launcher_script(self.project), encoding="utf-8")
            launcher.chmod(0o755)
            if launcher not in self.written:
                self.written.append(launcher)
        for name, text in (("standalone.txt", self.address), ("pid.txt", str(os.getpid()))):
            path = self.dist / name
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(0o600)
            tmp.replace(path)
            if path not in self.written:
                self.written.append(path)

    def refresh_plugin_json(self) -> None:
        """Copy `src/plugin.json` again when this session created `dist/plugin.json`."""
        plugin_json = self.dist / "plugin.json"
        if plugin_json in self.written:
            shutil.copyfile(self.project.plugin_json_path, plugin_json)

    def remove(self) -> None:
        """Delete every file `write()` created (locator files first, so no launcher ever sees half a setup)."""
        for path in sorted(self.written, key=lambda p: p.suffix != ".txt"):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        self.written.clear()


def _is_launcher(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return LAUNCHER_MARKER.encode() in handle.read(200)
    except OSError:
        return False


def read_address(dist: Path) -> str:
    """Return the dev server address in `dist/standalone.txt`.

    Raises:
        DevError: no dev server is running for this dist directory.
    """
    path = dist / "standalone.txt"
    pid_path = dist / "pid.txt"
    try:
        address = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise DevError(
            f"No dev server is running: `{path}` does not exist.", hint="Start one with `gpctl dev`."
        ) from None
    try:
        pid = int(pid_path.read_text(encoding="utf-8").strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        raise DevError(
            f"The dev server named in `{path}` is not running any more.", hint="Start one with `gpctl dev`."
        ) from None
    except PermissionError:
        pass
    return address
