"""Exec → handshake-line time of the example plugin (median of 7), against references measured in the same run.

Also exec → first answered call: a `grpc.health.v1.Health/Check` sent as soon as the handshake line arrives, which
is what Grafana's go-plugin client does next; work the plugin defers until after its handshake line shows here.
References: a bare interpreter printing a line; an interpreter that starts a plain asyncio server and prints the
go-plugin line (the floor of any asyncio-based server); and one that imports grpc, starts a grpc.aio server and
prints the line (what a grpcio-based Python plugin pays before its handshake). Runs alternate. Bytecode is cached
first, as it is for an installed package or a bundle (so `PYTHONDONTWRITEBYTECODE` is dropped for the children and
one untimed run writes the caches).

Run: .venv/bin/python benchmarks/handshake.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "tests" / "e2e" / "example" / "plugin.py"
RUNS = 7
BUDGET_MS = 80

ASYNCIO_SERVER = """
import asyncio, sys

async def main():
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"1|2|tcp|127.0.0.1:{port}|grpc\\n")
    sys.stdout.flush()

asyncio.run(main())
"""

GRPC_SERVER = """
import asyncio, sys
import grpc

async def main():
    server = grpc.aio.server()
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"1|2|tcp|127.0.0.1:{port}|grpc\\n")
    sys.stdout.flush()

asyncio.run(main())
"""


def _time_to_first_line(
    cmd: list[str], env: dict[str, str], *, call: bool = False
) -> tuple[float, str, float]:
    """(ms to the first stdout line, the line, ms to the answer of a health check sent right after it or 0)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    elapsed = (time.perf_counter() - start) * 1000
    answered = 0.0
    if call:
        with grpc.insecure_channel(line.split("|")[3]) as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            answer = check(b"\n\x06plugin", timeout=10)
            if answer != b"\x08\x01":
                raise SystemExit(f"unexpected health answer {answer!r}")
        answered = (time.perf_counter() - start) * 1000
    proc.kill()
    proc.wait()
    return elapsed, line, answered


def _script(path: Path, command: str) -> list[str]:
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" {command} "$@"\n')
    path.chmod(0o755)
    return [str(path)]


def main() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        grafana_plugin_type="datasource",
        PLUGIN_PROTOCOL_VERSIONS="2",
        PLUGIN_MIN_PORT="10000",
        PLUGIN_MAX_PORT="25000",
    )
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "asyncio_server.py").write_text(ASYNCIO_SERVER)
        (Path(tmp) / "grpc_server.py").write_text(GRPC_SERVER)
        commands = {
            "plugin": _script(Path(tmp) / "gpx_example_linux_amd64", f'"{EXAMPLE}"'),
            "bare": _script(Path(tmp) / "bare", '-c "print(1, flush=True)"'),
            "asyncio": _script(Path(tmp) / "asyncio_server", f'"{Path(tmp) / "asyncio_server.py"}"'),
            "grpc": _script(Path(tmp) / "grpc_server", f'"{Path(tmp) / "grpc_server.py"}"'),
        }
        for name, cmd in commands.items():  # cache bytecode
            _time_to_first_line(cmd, env, call=name == "plugin")
        times: dict[str, list[float]] = {name: [] for name in commands}
        first_call: list[float] = []
        for _ in range(RUNS):
            for name, cmd in commands.items():
                ms, line, answered = _time_to_first_line(cmd, env, call=name == "plugin")
                if name != "bare" and not line.startswith("1|2|tcp|127.0.0.1:"):
                    raise SystemExit(f"unexpected handshake line from {name}: {line!r}")
                times[name].append(ms)
                if answered:
                    first_call.append(answered)
    load_after = os.getloadavg()
    median = {name: statistics.median(values) for name, values in times.items()}
    plugin = median["plugin"]
    print(f"exec → first stdout line, median of {RUNS} alternating runs (bytecode cached)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    labels = {
        "plugin": "example plugin handshake",
        "bare": "bare interpreter",
        "asyncio": "asyncio server listening",
        "grpc": "grpc.aio server listening",
    }
    for name, label in labels.items():
        runs = ", ".join(f"{m:.0f}" for m in times[name])
        print(f"{label:28s}{median[name]:7.1f} ms   (runs: {runs})")
    runs = ", ".join(f"{m:.0f}" for m in first_call)
    print(f"{'example plugin first call':28s}{statistics.median(first_call):7.1f} ms   (runs: {runs})")
    print(
        f"handshake - asyncio server: {plugin - median['asyncio']:+.1f} ms; handshake - grpc.aio server: "
        f"{plugin - median['grpc']:+.1f} ms; budget {BUDGET_MS} ms: {'met' if plugin <= BUDGET_MS else 'missed'}"
    )


if __name__ == "__main__":
    main()
