"""Exec → handshake-line time of the example plugin (median of 7), against a bare `python -c pass` baseline.

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


def main() -> None:
    env = {
        **os.environ,
        "grafana_plugin_type": "datasource",
        "PLUGIN_PROTOCOL_VERSIONS": "2",
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
    }
    with tempfile.TemporaryDirectory() as tmp:
        wrapper = Path(tmp) / "gpx_example_linux_amd64"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{EXAMPLE}" "$@"\n')
        wrapper.chmod(0o755)
        bare = Path(tmp) / "bare"
        bare.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "print(1, flush=True)"\n')
        bare.chmod(0o755)
        grpc_only = Path(tmp) / "grpc_only"
        grpc_only.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "import grpc; print(1, flush=True)"\n')
        grpc_only.chmod(0o755)
        plugin_ms, baseline_ms, grpc_ms = [], [], []
        for _ in range(RUNS):
            ms, line = _time_to_first_line([str(wrapper)], env)
            if not line.startswith("1|2|tcp|127.0.0.1:"):
                raise SystemExit(f"unexpected handshake line: {line!r}")
            plugin_ms.append(ms)
            baseline_ms.append(_time_to_first_line([str(bare)], env)[0])
            grpc_ms.append(_time_to_first_line([str(grpc_only)], env)[0])
    plugin, baseline = statistics.median(plugin_ms), statistics.median(baseline_ms)
    grpc_import = statistics.median(grpc_ms)
    print(
        f"handshake (exec → handshake line), median of {RUNS}: {plugin:.1f} ms  (runs: {', '.join(f'{m:.0f}' for m in plugin_ms)})"
    )
    print(f"bare interpreter (exec → first line), median of {RUNS}: {baseline:.1f} ms")
    print(f"interpreter + `import grpc` (exec → first line), median of {RUNS}: {grpc_import:.1f} ms")
    print(
        f"ratio handshake / bare interpreter: {plugin / baseline:.2f}x; handshake / `import grpc`: "
        f"{plugin / grpc_import:.2f}x; budget 80 ms: {'met' if plugin <= 80 else 'missed'}"
    )


if __name__ == "__main__":
    main()
