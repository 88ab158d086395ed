"""Time `gpctl new datasource --no-input` (goal: <= 1.5 s wall), against baselines measured in the same run.

    python benchmarks/new.py [--runs 5]

Baselines: starting the interpreter (`python -c pass`) and starting the CLI (`gpctl --version`). Also reports the
in-process `gpctl.scaffold.render()` time once cookiecutter is imported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 1.5


def wall(argv: list[str], runs: int, cwd: Path) -> float:
    """Median wall time of running `argv` `runs` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        counter = iter(range(10_000))

        def new() -> list[str]:
            target = f"p{next(counter)}"
            return [
                python,
                "-m",
                "gpctl",
                "new",
                "datasource",
                target,
                "--name",
                "Weather",
                "--org",
                "acme",
                "--no-input",
            ]

        interpreter = wall([python, "-c", "pass"], runs, work)
        cli = wall([python, "-m", "gpctl", "--version"], runs, work)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(new(), cwd=work, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        scaffold = statistics.median(times)

        from gpctl.scaffold import render

        render("datasource", work / "warm", {"name": "Weather", "org": "acme"})
        in_process = []
        for index in range(runs):
            started = time.perf_counter()
            render("datasource", work / f"r{index}", {"name": "Weather", "org": "acme"})
            in_process.append(time.perf_counter() - started)
        render_s = statistics.median(in_process)

    print(f"python -c pass                          {interpreter * 1000:7.0f} ms")
    print(
        f"gpctl --version                         {cli * 1000:7.0f} ms  ({cli / interpreter:.1f}x interpreter)"
    )
    print(
        f"gpctl new datasource --no-input         {scaffold * 1000:7.0f} ms  "
        f"({scaffold / interpreter:.1f}x interpreter, {scaffold / cli:.1f}x gpctl --version)"
    )
    print(f"render() in process (warm)              {render_s * 1000:7.0f} ms")
    verdict = "meets" if scaffold <= GOAL_S else "MISSES"
    print(f"goal <= {GOAL_S:.1f} s wall: {verdict} ({scaffold:.2f} s, median of {runs})")


if __name__ == "__main__":
    main()
