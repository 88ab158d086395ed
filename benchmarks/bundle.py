"""Bundle benchmark: build time, onedir size, zip size, exec→handshake (median of 7, warm) and idle RSS of the
plugin built by `gpctl build`, against the same plugin run unbundled by the venv's Python in the same run.

Three plugins are built: the datasource fixture (frames from lists: pyarrow in the bundle, numpy left out), the same
datasource building its frames with numpy (numpy bundled too), and a frame-less variant (`[tool.gpctl.build]
excludes = ["pyarrow"]`, health check only), to show what the frame stack costs. RSS is read after 1 s idle
following the first health check (the SDK warms frames up in the background), and again after a QueryData.

Usage: python benchmarks/bundle.py [--runs 7]
Goals: zip <= 45 MiB, handshake <= 80 ms warm, RSS <= 70 MiB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gpctl.build import build, package
from gpctl.launch import launch_plugin
from gpctl.project import Project

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "build" / "fixtures" / "bundle"
MIB = 2**20

FRAMELESS_PLUGIN = """\
from gpctl.sdk import Datasource, HealthResult, PluginContext

ds = Datasource("acme-bundle-datasource")


@ds.check_health
def health(ctx: PluginContext) -> HealthResult:
    return HealthResult.ok("bundle ok")
"""

NUMPY_PLUGIN = """\
from dataclasses import dataclass

import numpy as np

from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, PluginContext


@dataclass(frozen=True)
class Numbers:
    count: int = 3


ds = Datasource("acme-bundle-datasource")


@ds.query(model=Numbers)
def numbers(query: DataQuery[Numbers], ctx: PluginContext) -> Frame:
    n = np.arange(query.model.count)
    return Frame("numbers", Field("n", n), Field("square", (n * n).astype(float)))


@ds.check_health
def health(ctx: PluginContext) -> HealthResult:
    return HealthResult.ok("bundle ok")
"""


def _size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start(executable: Path, cwd: Path, sample_rss: bool, query: bool) -> tuple[float, float, float, float]:
    """One start: handshake ms, first CheckHealth OK ms (from exec), RSS MiB after 1 s idle and after a 1,000-row
    QueryData (when asked; the query only when the plugin has one)."""
    rss = rss_query = float("nan")
    started = time.perf_counter()
    with launch_plugin(executable, cwd=cwd, timeout=30) as plugin:
        with plugin.client() as client:
            client.check_health()
            health_ms = (time.perf_counter() - started) * 1000
            if sample_rss:
                time.sleep(1.0)
                rss = _rss_mib(plugin.process.pid)
                if query and client.query("", {"count": 1000})["A"].frames:
                    time.sleep(0.5)
                    rss_query = _rss_mib(plugin.process.pid)
        handshake = plugin.handshake_ms
        plugin.stop()
    return handshake, health_ms, rss, rss_query


def _measure(
    executables: list[Path], runs: int, cwd: Path, query: bool
) -> list[tuple[float, float, float, float]]:
    """Median handshake ms, median first-health ms and idle RSS for each executable, runs interleaved so machine
    load hits every variant alike; one warm-up start each is dropped."""
    samples: list[list[tuple[float, float, float, float]]] = [[] for _ in executables]
    for i in range(runs + 1):
        for k, exe in enumerate(executables):
            result = _start(exe, cwd, sample_rss=i == runs, query=query)
            if i:
                samples[k].append(result)
    return [
        (
            statistics.median(s[0] for s in runs_),
            statistics.median(s[1] for s in runs_),
            runs_[-1][2],
            runs_[-1][3],
        )
        for runs_ in samples
    ]


def _unbundled(project: Project, where: Path) -> Path:
    """A script Grafana could exec that serves the same plugin with the venv's Python (the baseline)."""
    module, _, attribute = project.plugin_ref.partition(":")
    script = where / "unbundled_plugin"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(project.source_dir)!r})\n"
        f"import {module} as _module\n"
        "from gpctl.sdk import serve\n"
        f"serve(_module.{attribute})\n"
    )
    script.chmod(0o755)
    return script


def _variant(name: str, base: Path, plugin: str | None, runs: int) -> dict[str, float]:
    root = base / name
    shutil.copytree(FIXTURE, root)
    if plugin is not None:
        (root / "pkg" / "acme_bundle" / "plugin.py").write_text(plugin)
    if plugin is FRAMELESS_PLUGIN:
        with (root / "pyproject.toml").open("a") as f:
            f.write('\n[tool.gpctl.build]\nexcludes = ["pyarrow", "numpy"]\n')
    project = Project.find(root)
    started = time.perf_counter()
    result = build(project, skip_frontend=True, force=True)
    build_s = time.perf_counter() - started
    [artifact] = result.artifacts
    assert artifact.contents_dir is not None
    size, files = _size(artifact.contents_dir)
    size += artifact.executable.stat().st_size
    zip_path = package(project)[0]
    (handshake, health, rss, rss_query), base_run = _measure(
        [artifact.executable, _unbundled(project, base)], runs, base, plugin is not FRAMELESS_PLUGIN
    )
    return {
        "build_s": build_s,
        "onedir_mib": size / MIB,
        "files": files + 1,
        "zip_mib": zip_path.stat().st_size / MIB,
        "handshake_ms": handshake,
        "health_ms": health,
        "rss_mib": rss,
        "rss_query_mib": rss_query,
        "base_handshake_ms": base_run[0],
        "base_health_ms": base_run[1],
        "base_rss_mib": base_run[2],
        "base_rss_query_mib": base_run[3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        rows = {
            "datasource (frames, no numpy)": _variant("frames", base, None, args.runs),
            "datasource with numpy": _variant("numpy", base, NUMPY_PLUGIN, args.runs),
            "frame-less (no pyarrow/numpy)": _variant("frameless", base, FRAMELESS_PLUGIN, args.runs),
        }
    print(
        f"bundle benchmark, median of {args.runs} warm starts (goals: zip <= 45 MiB, handshake <= 80 ms, RSS <= 70 MiB)"
    )
    load_after = os.getloadavg()
    print(
        f"load average (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in load_before)} before, "
        f"{' '.join(f'{v:.2f}' for v in load_after)} after, on {os.cpu_count()} CPUs"
    )
    header = f"{'variant':32} {'build s':>8} {'onedir MiB':>10} {'files':>6} {'zip MiB':>8} {'hs ms':>7} {'health ms':>9} {'RSS MiB':>8} {'RSS q MiB':>9}"
    print(header)
    for name, r in rows.items():
        print(
            f"{name:32} {r['build_s']:8.1f} {r['onedir_mib']:10.1f} {r['files']:6.0f} {r['zip_mib']:8.1f} "
            f"{r['handshake_ms']:7.1f} {r['health_ms']:9.1f} {r['rss_mib']:8.1f} {r['rss_query_mib']:9.1f}"
        )
        print(
            f"{'  unbundled (venv python)':32} {'':8} {'':10} {'':6} {'':8} "
            f"{r['base_handshake_ms']:7.1f} {r['base_health_ms']:9.1f} {r['base_rss_mib']:8.1f} "
            f"{r['base_rss_query_mib']:9.1f}"
        )
        print(
            f"{'  ratio bundle / unbundled':32} {'':8} {'':10} {'':6} {'':8} "
            f"{r['handshake_ms'] / r['base_handshake_ms']:7.2f} {r['health_ms'] / r['base_health_ms']:9.2f} "
            f"{r['rss_mib'] / r['base_rss_mib']:8.2f} {r['rss_query_mib'] / r['base_rss_query_mib']:9.2f}"
        )


if __name__ == "__main__":
    main()
