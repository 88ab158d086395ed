"""Start a plugin executable exactly as Grafana does, and talk to it.

Grafana (through HashiCorp go-plugin) execs `<pluginDir>/gpx_<name>_<os>_<arch>` with no arguments and an
environment made of Grafana's own variables, the host's environment, then go-plugin's variables (the last one wins).
It reads only the first stdout line, the handshake `CORE|APP|NETWORK|ADDRESS|PROTOCOL[|CERT[|MUX]]`, dials the
address, and from then on drains stdout and stderr. `launch_plugin` does the same and returns a `LaunchedPlugin`
whose `.client()` speaks gRPC to the plugin and whose `.stop()` shuts it down the way go-plugin's `Kill()` does
(Shutdown RPC, wait, SIGKILL).

    with launch_plugin(Path("dist/gpx_weather_linux_amd64")) as plugin:
        health = plugin.client().check_health()
"""

from __future__ import annotations

import collections
import os
import queue
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from gpctl.errors import DevError

if TYPE_CHECKING:
    from gpctl.sdk.testing import PluginClient

__all__ = [
    "GO_PLUGIN_ENV",
    "GRAFANA_ENV",
    "Handshake",
    "LaunchedPlugin",
    "launch_plugin",
    "parse_handshake",
    "plugin_environment",
]

GRAFANA_ENV: Mapping[str, str] = {"GF_VERSION": "12.3.0", "GF_EDITION": "Open Source"}
"""What Grafana's `pluginconfig/envvars.go` adds for a plugin with no extra configuration."""

GO_PLUGIN_ENV: Mapping[str, str] = {
    "grafana_plugin_type": "datasource",
    "PLUGIN_MIN_PORT": "10000",
    "PLUGIN_MAX_PORT": "25000",
    "PLUGIN_PROTOCOL_VERSIONS": "2",
}
"""What go-plugin adds under Grafana's client configuration (magic cookie, ports, protocol versions)."""

_EXAMPLE_LINE = "1|2|tcp|127.0.0.1:PORT|grpc"
_KEEP_LINES = 2000


@dataclass(frozen=True)
class Handshake:
    """A parsed handshake line; `address` is ready for gRPC (`127.0.0.1:PORT` or `unix:/path`)."""

    core_version: int
    app_version: int
    network: str
    address: str
    protocol: str
    server_cert: str = ""


def parse_handshake(line: str) -> Handshake:
    """Parse a plugin's first stdout line as Grafana's go-plugin client does.

    Raises:
        DevError: the line would make Grafana refuse the plugin; the message says why.
    """
    text = line.strip()
    parts = text.split("|")
    if len(parts) < 4:
        raise DevError(
            f"Unrecognized remote plugin message: `{text}`; the first stdout line must be the handshake, "
            f"e.g. `{_EXAMPLE_LINE}`.",
            hint="Nothing may be printed to stdout before the handshake line; plugin code should log, not print.",
        )
    core, app, network, address = parts[:4]
    if core != "1":
        raise DevError(
            f"Incompatible core API version `{core}` in handshake line `{text}`; go-plugin needs `1`."
        )
    if app != "2":
        raise DevError(f"Incompatible API version `{app}` in handshake line `{text}`; Grafana needs `2`.")
    if len(parts) < 5 or parts[4] == "":
        raise DevError(
            f"Handshake line `{text}` names no protocol, which means `netrpc`; Grafana accepts only `grpc`."
        )
    if parts[4] != "grpc":
        raise DevError(
            f"Unsupported protocol `{parts[4]}` in handshake line `{text}`; Grafana accepts only `grpc`."
        )
    cert = parts[5] if len(parts) > 5 else ""
    return Handshake(1, 2, network, _grpc_address(network, address, text), "grpc", cert)


def _grpc_address(network: str, address: str, text: str) -> str:
    if network == "unix":
        if not address.startswith("/"):
            raise DevError(f"Unix socket path `{address}` in handshake line `{text}` must be absolute.")
        return f"unix:{address}"
    if network != "tcp":
        raise DevError(
            f"Unknown address type `{network}` in handshake line `{text}`; expected `tcp` or `unix`."
        )
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise DevError(f"Address `{address}` in handshake line `{text}` is not `HOST:PORT`.")
    return f"{host or '127.0.0.1'}:{port}"


def plugin_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build the environment Grafana gives a plugin: Grafana's variables, the host's, go-plugin's, then `env`."""
    result = dict(GRAFANA_ENV)
    result.update(os.environ)
    result.update(GO_PLUGIN_ENV)
    result.update(env or {})
    return result


class LaunchedPlugin:
    """A plugin process started by `launch_plugin`; a context manager that stops it on exit."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        handshake: Handshake,
        handshake_ms: float,
        stdout: collections.deque[str],
        stderr: collections.deque[str],
    ) -> None:
        self.process = process
        self.handshake = handshake
        self.handshake_ms = handshake_ms
        self._stdout = stdout
        self._stderr = stderr
        self._clients: list[PluginClient] = []

    @property
    def address(self) -> str:
        """The address gRPC dials, from the handshake (`127.0.0.1:PORT` or `unix:/path`)."""
        return self.handshake.address

    @property
    def stdout_lines(self) -> list[str]:
        """Lines the plugin printed to stdout after the handshake line (Grafana discards them)."""
        return list(self._stdout)

    @property
    def stderr_lines(self) -> list[str]:
        """Lines the plugin wrote to stderr so far (Grafana parses them as hclog entries)."""
        return list(self._stderr)

    def client(self, **settings: Any) -> PluginClient:
        """Connect a `PluginClient` to the plugin; `settings` go to `PluginClient.connect` (json_data, ...)."""
        from gpctl.sdk.testing import PluginClient

        client = PluginClient.connect(self.address, **settings)
        self._clients.append(client)
        return client

    def stop(self, timeout: float = 2.0) -> float:
        """Stop the plugin as go-plugin's `Kill()` does; return how long it took in milliseconds.

        Calls `GRPCController/Shutdown` (errors ignored), waits up to `timeout` seconds for the process to exit,
        then sends SIGKILL.
        """
        started = time.perf_counter()
        if self.process.poll() is None:
            try:
                from gpctl.sdk.testing import PluginClient

                with PluginClient.connect(self.address) as client:
                    client.shutdown()
            except Exception:  # go-plugin ignores the Shutdown error too
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        elapsed = (time.perf_counter() - started) * 1000.0
        for client in self._clients:
            try:
                client.close()
            except Exception:  # closing a dead channel must not hide the stop
                pass
        self._clients.clear()
        if self.process.stdin is not None:
            self.process.stdin.close()
        return elapsed

    def __enter__(self) -> LaunchedPlugin:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def launch_plugin(
    executable: Path,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> LaunchedPlugin:
    """Exec `executable` as Grafana does and wait for its handshake line.

    Args:
        executable: the plugin executable, e.g. `dist/gpx_weather_linux_amd64`.
        cwd: working directory for the process (Grafana's own directory in production); default: inherited.
        env: extra variables, applied last (like `GF_PLUGIN_*` from Grafana's `[plugin.<id>]` section).
        timeout: seconds to wait for the handshake line (go-plugin waits 60 s).

    Returns:
        The running plugin; use it as a context manager, or call `.stop()`.

    Raises:
        DevError: the executable is missing, could not be started, exited early, stayed silent, or printed a
            handshake line Grafana would refuse.
    """
    path = Path(executable).absolute()
    if not path.is_file():
        raise DevError(f"Plugin executable `{path}` does not exist.")
    if not os.access(path, os.X_OK):
        raise DevError(f"Plugin executable `{path}` is not executable.", hint=f"Run `chmod +x {path}`.")
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            [str(path)],
            cwd=cwd,
            env=plugin_environment(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise DevError(f"Cannot start plugin executable `{path}`: {exc.strerror or exc}.") from exc
    first_line: queue.Queue[str | None] = queue.Queue()
    stdout_lines: collections.deque[str] = collections.deque(maxlen=_KEEP_LINES)
    stderr_lines: collections.deque[str] = collections.deque(maxlen=_KEEP_LINES)
    if process.stdout is None or process.stderr is None:  # pragma: no cover - both are pipes
        raise RuntimeError("stdout and stderr must be pipes")
    _drain(process.stdout, stdout_lines, first_line)
    _drain(process.stderr, stderr_lines, None)
    try:
        line = first_line.get(timeout=timeout)
        if line is None:
            raise _exited_early(path, process, stderr_lines, timeout)
        handshake = parse_handshake(line)
    except queue.Empty:
        _kill(process)
        raise DevError(
            f"Plugin `{path}` printed no handshake line within {timeout:g} s "
            "(Grafana: timeout while waiting for plugin to start).",
            hint=_stderr_hint(stderr_lines),
        ) from None
    except DevError:
        _kill(process)
        raise
    handshake_ms = (time.perf_counter() - started) * 1000.0
    return LaunchedPlugin(process, handshake, handshake_ms, stdout_lines, stderr_lines)


def _drain(stream: IO[bytes], sink: collections.deque[str], first: queue.Queue[str | None] | None) -> None:
    def run() -> None:
        waiting = first
        for raw in iter(stream.readline, b""):
            text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            if waiting is not None:
                waiting.put(text)
                waiting = None
            else:
                sink.append(text)
        if waiting is not None:
            waiting.put(None)
        stream.close()

    threading.Thread(target=run, name="gpctl-plugin-output", daemon=True).start()


def _exited_early(
    path: Path, process: subprocess.Popen[bytes], stderr_lines: collections.deque[str], timeout: float
) -> DevError:
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return DevError(f"Plugin `{path}` closed its stdout without printing a handshake line.")
    time.sleep(0.05)  # let the stderr reader catch the last lines
    return DevError(
        f"Plugin `{path}` exited with code {code} before printing its handshake line "
        "(Grafana: plugin exited before we could connect).",
        hint=_stderr_hint(stderr_lines),
    )


def _stderr_hint(stderr_lines: collections.deque[str]) -> str | None:
    # A crashing PyInstaller bundle ends with its bootloader's `[PYI-<pid>:ERROR] Failed to execute script`;
    # the line worth showing is the exception above it.
    lines = [line for line in stderr_lines if line.strip() and not line.startswith("[PYI-")]
    return f"Its last stderr line: `{lines[-1].strip()}`." if lines else None


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    if process.stdin is not None:
        process.stdin.close()
