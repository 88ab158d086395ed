"""Reload latency of `gpctl dev`: from writing a changed handler file to the first query answered by the new code.

Runs the dev server (`gpctl.dev.DevServer`, what `gpctl dev` runs) on a copy of the test fixture project, keeps one
gRPC connection open (as Grafana does), then 20 times: waits until the spare worker is warm (as it is between two
human saves), rewrites `plugin.py` with a new `VERSION` and queries in a tight loop until the answer carries it. Baseline,
measured in the same run: a cold start of the same plugin (launch the executable as Grafana does, handshake, first
query), which is the least a restart-based reload costs before Grafana's 1 s restart tick and any rebuild.

Run: .venv/bin/python benchmarks/reload.py [--edits 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from gpctl.dev import DevFiles, DevServer, executable_name
from gpctl.launch import launch_plugin
from gpctl.project import Project
from gpctl.sdk.testing import PluginClient

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "dev" / "fixtures" / "devloop"


def _version(client: object) -> int | None:
    try:
        results = client.query("", {"points": 1})  # type: ignore[attr-defined]
    except Exception:
        return None
    return int(results["A"].frames[0].field("version").values[0])


def _cold_start(project: Path, runs: int) -> list[float]:
    launcher = project / "dist" / executable_name("gpx_devloop")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with launch_plugin(launcher) as plugin:
            client = plugin.client()
            assert _version(client) is not None
            times.append((time.perf_counter() - started) * 1000.0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "devloop"
        shutil.copytree(FIXTURE, project)
        handler = project / "pkg" / "devloop" / "plugin.py"
        source = handler.read_text(encoding="utf-8")
        server = DevServer(Project.find(project), kill_stale=False)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        latencies, reloads, failures = [], [], 0
        try:
            while not server.status.serving:
                time.sleep(0.01)
            with PluginClient.connect(server.status.address) as client:
                assert _version(client) == 1
                for edit in range(2, args.edits + 2):
                    # Steady state, as between two human saves: the spare worker has finished warming up.
                    server.wait_spare_warm(30)
                    time.sleep(0.1)
                    started = time.perf_counter()
                    handler.write_text(source.replace("VERSION = 1", f"VERSION = {edit}"), encoding="utf-8")
                    while (seen := _version(client)) != edit:
                        failures += seen is None
                        if time.perf_counter() - started > 30:
                            raise SystemExit(f"edit {edit} was not served within 30 s")
                        time.sleep(0.001)
                    latencies.append((time.perf_counter() - started) * 1000.0)
                    reloads.append(server.status.last_reload_ms or 0.0)
        finally:
            server.stop()
            thread.join(30)
        quantiles = statistics.quantiles(latencies, n=10)
        p50, p90 = statistics.median(latencies), quantiles[8]
        print(f"reload: {len(latencies)} edits, write -> first query answered by the new code")
        print(
            f"  p50 {p50:7.1f} ms   p90 {p90:7.1f} ms   min {min(latencies):6.1f}   max {max(latencies):6.1f}"
        )
        print(
            f"  of which swapping workers (gpctl dev's own figure): p50 {statistics.median(reloads):.1f} ms"
        )
        print(f"  failed queries while reloading: {failures}")
        shutil.rmtree(project / "dist", ignore_errors=True)
        # Baseline: cold start of the same plugin through the dev launcher (no dev server: normal serving).
        files = DevFiles(Project.find(project), "127.0.0.1:1")
        files.write()
        (project / "dist" / "standalone.txt").unlink()
        (project / "dist" / "pid.txt").unlink()
        cold = _cold_start(project, 5)
        files.remove()

    cold_p50 = statistics.median(cold)
    print(f"baseline: cold start (exec, handshake, first query), median of {len(cold)}: {cold_p50:7.1f} ms")
    print(
        f"ratio: cold start / reload p50 = {cold_p50 / p50:.1f}x (Grafana's restart path adds up to 1000 ms more)"
    )


if __name__ == "__main__":
    main()
