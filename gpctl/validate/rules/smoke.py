"""`--smoke`: start the host platform's executable as Grafana does, call health and CheckHealth, shut it down.

Grafana execs the file with no arguments, its own environment plus go-plugin's variables, and a working directory
that is not the plugin's; it needs the handshake line on stdout, then speaks gRPC. `gpctl.launch` does exactly
that; this module only measures and turns failures into findings.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity, SmokeResult
from gpctl.validate.rules.backend import executable_file, executables

__all__ = ["RULES", "host_target", "run_smoke"]

E, W = Severity.ERROR, Severity.WARNING
NO_EXECUTABLE = Rule(
    "smoke-no-executable", "smoke", E, "No executable for this machine to start.", official=False
)
START = Rule(
    "smoke-start", "smoke", E, "The executable did not print a valid handshake line.", official=False
)
HEALTH = Rule("smoke-health", "smoke", E, "The gRPC health check failed.", official=False)
CHECK_HEALTH = Rule("smoke-check-health", "smoke", E, "The CheckHealth call failed.", official=False)
SHUTDOWN = Rule("smoke-shutdown", "smoke", W, "The process did not exit after Shutdown.", official=False)

RULES = (NO_EXECUTABLE, START, HEALTH, CHECK_HEALTH, SHUTDOWN)

_OS = {"linux": "linux", "darwin": "darwin", "win32": "windows"}
_ARCH = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm",
    "armv6l": "arm",
}


def host_target() -> str:
    """This machine as `os/arch` in Go's naming, e.g. `linux/amd64`."""
    os_name = _OS.get(sys.platform, sys.platform)
    return f"{os_name}/{_ARCH.get(platform.machine().lower(), platform.machine().lower())}"


def _status_text(value: object) -> str:
    """`OK`, `ERROR` or `UNKNOWN`, as Grafana names CheckHealth statuses."""
    name = getattr(value, "name", None)
    return str(name if isinstance(name, str) else value).upper()


def run_smoke(ctx: Context, *, timeout: float = 10.0) -> SmokeResult | None:
    """Launch and probe the root plugin's executable for this machine; problems become findings in `ctx`."""
    if ctx.root is None:
        return None
    target = host_target()
    candidates = [e for e in executables(ctx) if e.plugin_json == "plugin.json" and e.target == target]
    if not candidates:
        executable = (ctx.main or {}).get("executable")
        if not executable:
            ctx.report(
                NO_EXECUTABLE,
                "plugin.json",
                "plugin.json declares no backend `executable`; nothing to start.",
            )
        else:
            name = executable_file(str(executable), target)
            ctx.report(
                NO_EXECUTABLE,
                name,
                f"There is no `{name}` for this `{target}` machine; --smoke starts only the host platform's "
                "executable (build it here with `gpctl build`).",
            )
        return None
    exe = candidates[0]
    shown = ctx.show(ctx.rel(exe.path))
    result = SmokeResult(executable=shown)

    from gpctl.errors import DevError
    from gpctl.launch import launch_plugin

    with tempfile.TemporaryDirectory(prefix="gpctl-smoke-") as elsewhere:
        try:
            plugin = launch_plugin(exe.path, cwd=Path(elsewhere), timeout=timeout)
        except DevError as exc:
            hint = f" {exc.hint}" if exc.hint else ""
            ctx.report(START, ctx.rel(exe.path), f"{exc.message}{hint}")
            return result
        health: bool | None = None
        status = message = None
        health_ms = check_ms = None
        try:
            client = plugin.client()
            started = time.perf_counter()
            try:
                health = bool(client.ping())
                health_ms = (time.perf_counter() - started) * 1000.0
            except Exception as exc:
                ctx.report(HEALTH, ctx.rel(exe.path), f"The gRPC health check failed: {_reason(exc)}.")
            if health is False:
                ctx.report(HEALTH, ctx.rel(exe.path), "The gRPC health service does not report `SERVING`.")
            started = time.perf_counter()
            try:
                checked = client.check_health()
                check_ms = (time.perf_counter() - started) * 1000.0
                status = _status_text(getattr(checked, "status", checked))
                message = str(getattr(checked, "message", "") or "")
            except Exception as exc:
                ctx.report(CHECK_HEALTH, ctx.rel(exe.path), f"CheckHealth failed: {_reason(exc)}.")
        finally:
            shutdown_ms = plugin.stop()
        code = plugin.process.returncode
        if code is not None and code < 0:
            ctx.report(
                SHUTDOWN,
                ctx.rel(exe.path),
                f"The process did not exit within 2 s of the Shutdown call and was killed (signal {-code}); "
                "Grafana does the same, but the plugin should stop on Shutdown.",
            )
    return SmokeResult(
        executable=shown,
        handshake_ms=plugin.handshake_ms,
        health=health,
        health_ms=health_ms,
        check_health_status=status,
        check_health_message=message,
        check_health_ms=check_ms,
        shutdown_ms=shutdown_ms,
        exit_code=code,
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")
