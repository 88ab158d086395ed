"""Drive a plugin executable with HashiCorp go-plugin's real client (the library Grafana uses).

`build_host()` compiles `gohost/main.go` once (Debian's Go packages, GOPATH mode, no network) into
`.gpctl-cache/gohost/` at the repository root and returns the binary. Without Go the calling test is skipped,
except under CI (`CI` set), where a missing Go toolchain fails: the bootstrap installs it there. Packages:
golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-google-protobuf-dev
golang-github-golang-protobuf-1-5-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc.

`run_host(executable, calls)` launches the executable exactly like Grafana (handshake `{2, grafana_plugin_type,
datasource}`, gRPC only, no arguments), runs the calls, then `Kill()`s the plugin and returns a `HostReport`.

Call format (a JSON list; each entry one call):

    {"call": "QueryData", "request": {...}, "repeat": 1, "concurrency": 1, "timeout_s": 30, "max_messages": 1}

- `call`: `Ping` (grpc.health "plugin"), `CheckHealth`, `CollectMetrics`, `QueryData`, `QueryChunkedData`,
  `CallResource`, `SubscribeStream`, `RunStream`, `PublishStream`.
- `request`: the pluginv2 request as protojson (field names as in backend.proto, bytes base64, int64 as strings
  or numbers); `plugin_context()` and `b64()` below help build it.
- `repeat` / `concurrency`: run the call N times on C goroutines (benchmarks); the report gives `calls_per_s`.
- `max_messages`: RunStream reads that many packets, then cancels the stream.

Report (`HostReport.report`): `{"start_ms", "start_error"?, "negotiated_version", "protocol", "pid", "calls":
[{"call", "ok", "error"?, "code"?, "response"? | "responses"?, "ms", "calls_per_s"?}], "kill_ms", "exited"}`;
unary responses are in `response`, streamed ones in `responses`, both protojson with bytes base64-encoded.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "HostReport",
    "b64",
    "build_host",
    "go_available",
    "plugin_context",
    "run_host",
    "write_wrapper",
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SOURCE = HERE / "gohost" / "main.go"
PROTO = REPO / "gpctl" / "sdk" / "_protocol" / "proto" / "backend.proto"
GO_PACKAGES = (
    "golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-google-protobuf-dev "
    "golang-github-golang-protobuf-1-5-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc"
)
_LEVELS = ("[TRACE]", "[DEBUG]", "[INFO]", "[WARN]", "[ERROR]")


def go_available() -> bool:
    """Whether `go`, `protoc`, the Go protoc plugins and Debian's go-plugin sources are installed."""
    tools = all(shutil.which(t) for t in ("go", "protoc", "protoc-gen-go", "protoc-gen-go-grpc"))
    return tools and Path("/usr/share/gocode/src/github.com/hashicorp/go-plugin").is_dir()


def _missing_go() -> None:
    message = f"the Go host needs Debian's Go packages: apt-get install {GO_PACKAGES}"
    if os.environ.get("CI"):
        raise RuntimeError(message)
    import pytest

    pytest.skip(message)


def build_host(cache_dir: Path | None = None) -> Path:
    """Build the Go host once (cached by the hash of its sources); return the binary's path."""
    if not go_available():
        _missing_go()
    cache = cache_dir or REPO / ".gpctl-cache" / "gohost"
    cache.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(SOURCE.read_bytes() + PROTO.read_bytes()).hexdigest()[:16]
    binary = cache / f"host-{digest}"
    with (cache / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if binary.is_file():
            return binary
        work = cache / f"work-{digest}"
        shutil.rmtree(work, ignore_errors=True)
        pkg = work / "gopath" / "src" / "gohost" / "pluginv2"
        pkg.mkdir(parents=True)
        env = {
            **os.environ,
            "GO111MODULE": "off",
            "GOPATH": f"{work / 'gopath'}:/usr/share/gocode",
            "GOPROXY": "off",
            "GOFLAGS": "",
            "GOTOOLCHAIN": "local",
            "GOCACHE": str(cache / "gocache"),
        }
        subprocess.run(
            [
                "protoc",
                f"-I{PROTO.parent}",
                f"--go_out={pkg}",
                "--go_opt=paths=source_relative",
                f"--go-grpc_out={pkg}",
                "--go-grpc_opt=paths=source_relative",
                PROTO.name,
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        src = work / "src"
        src.mkdir()
        shutil.copy2(SOURCE, src / "main.go")
        tmp = binary.with_suffix(".tmp")
        proc = subprocess.run(
            ["go", "build", "-o", str(tmp), "."], cwd=src, env=env, capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"building the Go host failed:\n{proc.stderr}")
        tmp.rename(binary)
        shutil.rmtree(work, ignore_errors=True)
        return binary


@dataclass
class HostReport:
    """What one host run produced: the JSON report, the host's stderr lines and its exit code."""

    report: dict[str, Any]
    log_lines: list[str] = field(default_factory=list)
    returncode: int = 0

    @property
    def calls(self) -> list[dict[str, Any]]:
        return list(self.report.get("calls", []))

    def call(self, name: str, index: int = 0) -> dict[str, Any]:
        """The `index`-th result of calls named `name`."""
        return [c for c in self.calls if c["call"] == name][index]

    @property
    def start_ms(self) -> float:
        return float(self.report.get("start_ms", 0.0))

    @property
    def kill_ms(self) -> float:
        return float(self.report.get("kill_ms", 0.0))

    @property
    def exited(self) -> bool:
        return bool(self.report.get("exited"))

    def level_of(self, line: str) -> str | None:
        for level in _LEVELS:
            if level in line[:40]:
                return level.strip("[]")
        return None

    def lines_at(self, level: str) -> list[str]:
        """Host log lines logged at `level` (TRACE, DEBUG, INFO, WARN, ERROR)."""
        return [line for line in self.log_lines if self.level_of(line) == level]

    def warn_or_error_lines(self) -> list[str]:
        return [line for line in self.log_lines if self.level_of(line) in ("WARN", "ERROR")]


def run_host(
    executable: Path,
    calls: Sequence[Mapping[str, Any]] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    *,
    cwd: Path | None = None,
    log_level: str = "trace",
    host: Path | None = None,
) -> HostReport:
    """Launch `executable` under the Go host, run `calls`, Kill it; return the report (see the module doc)."""
    binary = host or build_host()
    run_env = dict(os.environ if env is None else env)
    run_env["GOHOST_LOG_LEVEL"] = log_level
    proc = subprocess.Popen(
        [str(binary), str(executable), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=run_env,
        cwd=cwd,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(json.dumps(list(calls or [])), timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the plugin is in the host's process group
        out, err = proc.communicate()
        raise RuntimeError(f"the Go host did not finish within {timeout} s:\n{err[-4000:]}") from None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # a crashed host would leave the plugin running
        except (ProcessLookupError, PermissionError):
            pass
    try:
        report = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    except json.JSONDecodeError:
        raise RuntimeError(
            f"the Go host printed no report (exit {proc.returncode}):\n{out}\n{err[-4000:]}"
        ) from None
    return HostReport(report, err.splitlines(), proc.returncode)


def b64(data: bytes | str | Mapping[str, Any]) -> str:
    """Base64 for protojson `bytes` fields; dicts are JSON-encoded first."""
    if isinstance(data, Mapping):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def plugin_context(
    plugin_id: str,
    *,
    json_data: Mapping[str, Any] | None = None,
    secure_json_data: Mapping[str, str] | None = None,
    uid: str = "e2e-datasource",
    app: bool = False,
) -> dict[str, Any]:
    """A realistic protojson `PluginContext` like Grafana sends (org 1, an Admin user, settings, config)."""
    ctx: dict[str, Any] = {
        "orgId": "1",
        "pluginId": plugin_id,
        "user": {"login": "admin", "name": "Admin", "email": "admin@example.com", "role": "Admin"},
        "grafanaConfig": {"GF_APP_URL": "http://localhost:3000/"},
        "userAgent": "Grafana/11.0.0 (linux; amd64)",
    }
    settings = {
        "jsonData": b64(dict(json_data or {})),
        "decryptedSecureJsonData": dict(secure_json_data or {}),
        "lastUpdatedMS": "1700000000000",
    }
    if app:
        ctx["appInstanceSettings"] = settings
    else:
        ctx["dataSourceInstanceSettings"] = {"id": "1", "uid": uid, "name": "e2e", **settings}
    return ctx


def write_wrapper(path: Path, script: Path, python: str | None = None) -> Path:
    """Write a `#!/bin/sh` executable at `path` that execs `python script` (a plugin launched like a binary)."""
    path.write_text(f'#!/bin/sh\nexec "{python or sys.executable}" "{script}" "$@"\n')
    path.chmod(0o755)
    return path
