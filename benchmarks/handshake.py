"""Exec → handshake-line time of the example plugin (median of 7), against floors measured in the same run.

Floors: a bare interpreter printing a line; an interpreter that imports grpc and prints; and one that imports grpc,
starts a grpc.aio server on 127.0.0.1:0 and prints the go-plugin line (what any Python plugin must do before its
handshake). Runs alternate between the four. Bytecode is cached first, as it is for an installed package or a
bundle (so `PYTHONDONTWRITEBYTECODE` is dropped for the children and one untimed run writes the caches).

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

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "tests" / "e2e" / "example" / "plugin.py"
RUNS = 7
BUDGET_MS = 80

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


def _time_to_first_line(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    elapsed = (time.perf_counter() - start) * 1000
    proc.kill()
    proc.wait()
    return elapsed, line


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
        server = Path(tmp) / "grpc_server.py"
        server.write_text(GRPC_SERVER)
        commands = {
            "plugin": _script(Path(tmp) / "gpx_example_linux_amd64", f'"{EXAMPLE}"'),
            "bare": _script(Path(tmp) / "bare", '-c "print(1, flush=True)"'),
            "grpc": _script(Path(tmp) / "grpc_only", '-c "import grpc; print(1, flush=True)"'),
            "server": _script(Path(tmp) / "grpc_server", f'"{server}"'),
        }
        for cmd in commands.values():  # cache bytecode
            _time_to_first_line(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, cmd in commands.items():
                ms, line = _time_to_first_line(cmd, env)
                if name in ("plugin", "server") and not line.startswith("1|2|tcp|127.0.0.1:"):
                    raise SystemExit(f"unexpected handshake line from {name}: {line!r}")
                times[name].append(ms)
    load_after = os.getloadavg()
    median = {name: statistics.median(values) for name, values in times.items()}
    plugin = median["plugin"]
    print(f"exec → first stdout line, median of {RUNS} alternating runs (bytecode cached)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    labels = {
        "plugin": "example plugin handshake",
        "bare": "bare interpreter",
        "grpc": "interpreter + import grpc",
        "server": "grpc.aio server listening",
    }
    for name, label in labels.items():
        runs = ", ".join(f"{m:.0f}" for m in times[name])
        print(f"{label:28s}{median[name]:7.1f} ms   (runs: {runs})")
    print(
        f"handshake - import grpc: {plugin - median['grpc']:+.1f} ms; handshake - grpc.aio server: "
        f"{plugin - median['server']:+.1f} ms; budget {BUDGET_MS} ms: {'met' if plugin <= BUDGET_MS else 'missed'}"
    )


if __name__ == "__main__":
    main()
