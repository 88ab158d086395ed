"""Validate benchmark: `gpctl validate` on a packaged plugin zip (no --smoke), against just unzipping it.

The zip is either one you pass (`--zip dist/…zip`, e.g. from `gpctl package`) or a synthetic one shaped like a
PyInstaller onedir datasource: a real ELF executable (this interpreter), a `<exe>_internal/` folder holding this
venv's pyarrow and numpy shared libraries (~110 files, ~190 MB, all parsed for GLIBC needs), frontend files and
a MANIFEST.txt covering every file (so the sha256 of every file is checked too).

Baseline, measured in the same run: extracting the same zip with `zipfile` (what any zip validator must do at
least). Also reported: validating the already extracted directory, and the full CLI in a fresh process.

Usage: python benchmarks/validate.py [--zip PATH] [--runs 5]
Goal: validating a packaged plugin without --smoke takes < 2 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from gpctl.validate import validate

ID = "myorg-bench-datasource"
MIB = 2**20


def _libraries() -> list[Path]:
    import numpy
    import pyarrow

    found: list[Path] = []
    for package in (pyarrow, numpy):
        root = Path(package.__file__).parent
        found += [p for p in root.rglob("*.so*") if p.is_file() and not p.is_symlink()]
        libs = root.parent / f"{root.name}.libs"
        if libs.is_dir():
            found += [p for p in libs.iterdir() if p.is_file()]
    return sorted(found)


def _make_dist(dist: Path) -> None:
    (dist / "img").mkdir(parents=True)
    plugin = {
        "type": "datasource",
        "name": "Bench",
        "id": ID,
        "backend": True,
        "executable": "gpx_bench",
        "info": {
            "description": "Benchmark plugin.",
            "keywords": ["bench"],
            "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
            "screenshots": [],
            "version": "1.0.0",
            "updated": "2026-07-13",
        },
        "dependencies": {"grafanaDependency": ">=12.3.0"},
    }
    (dist / "plugin.json").write_text(json.dumps(plugin, indent=2))
    (dist / "module.js").write_text("define([], function () { return {}; });\n" * 2000)
    (dist / "module.js.map").write_text("{}" * 50000)
    (dist / "README.md").write_text("# Bench\n")
    (dist / "CHANGELOG.md").write_text("## 1.0.0\n")
    (dist / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n")
    (dist / "img" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    exe = dist / "gpx_bench_linux_amd64"
    shutil.copy(os.path.realpath(sys.executable), exe)
    exe.chmod(0o755)
    internal = dist / "gpx_bench_linux_amd64_internal"
    for lib in _libraries():
        target = internal / lib.parent.name / lib.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(lib, target)
        target.chmod(0o755)
    files = {
        p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.rglob("*"))
        if p.is_file()
    }
    body = json.dumps(
        {"plugin": ID, "version": "1.0.0", "signatureType": "community", "files": files}, indent=2
    )
    (dist / "MANIFEST.txt").write_text(
        f"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{body}\n-----BEGIN PGP SIGNATURE-----\n\n"
        "placeholder\n-----END PGP SIGNATURE-----\n"
    )


def _zip(dist: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(dist.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{ID}/{path.relative_to(dist).as_posix()}")
                info.create_system = 3
                info.external_attr = (stat.S_IFREG | stat.S_IMODE(path.stat().st_mode)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with path.open("rb") as src, out.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)


def _median_s(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _extract(archive: Path) -> None:
    with tempfile.TemporaryDirectory() as temp, zipfile.ZipFile(archive) as z:
        z.extractall(temp)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--zip", type=Path, help="a packaged plugin zip (default: a synthetic onedir datasource)"
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        archive = args.zip
        if archive is None:
            archive = work / f"{ID}-1.0.0.linux_amd64.zip"
            _make_dist(work / "dist")
            _zip(work / "dist", archive)
        extracted = work / "extracted"
        with zipfile.ZipFile(archive) as z:
            z.extractall(extracted)
            entries = len(z.infolist())
            unpacked = sum(i.file_size for i in z.infolist())
        plugin_dir = next(p for p in extracted.iterdir() if p.is_dir())
        for info in zipfile.ZipFile(archive).infolist():  # extractall drops modes; restore them
            mode = stat.S_IMODE(info.external_attr >> 16)
            if mode and not info.is_dir():
                (extracted / info.filename).chmod(mode)

        report = validate(archive)
        print(
            f"zip: {archive.name}, {archive.stat().st_size / MIB:.1f} MiB, {entries} entries, "
            f"{unpacked / MIB:.1f} MiB unpacked"
        )
        print(f"report: {report.summary()}")
        for binary in report.binaries:
            print(f"  {binary.describe()}")

        baseline = _median_s(args.runs, lambda: _extract(archive))
        on_zip = _median_s(args.runs, lambda: validate(archive))
        on_dir = _median_s(args.runs, lambda: validate(plugin_dir))
        cli_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "gpctl", "validate", str(archive)], capture_output=True, check=False
            )
            cli_times.append(time.perf_counter() - started)
        cli = statistics.median(cli_times)

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
        print(f"\nmedian of {args.runs} runs (warm page cache; {os.cpu_count()} CPUs, load average {load}):")
        print(f"  baseline: zipfile extractall          {baseline * 1000:8.0f} ms   1.00x")
        print(f"  validate(zip)                         {on_zip * 1000:8.0f} ms   {on_zip / baseline:.2f}x")
        print(f"  validate(extracted directory)         {on_dir * 1000:8.0f} ms   {on_dir / baseline:.2f}x")
        print(f"  gpctl validate <zip> (new process)    {cli * 1000:8.0f} ms   {cli / baseline:.2f}x")
        verdict = "met" if cli < 2.0 else "MISSED"
        print(
            f"\ngoal < 2 s for `gpctl validate` on a packaged plugin without --smoke: {verdict} ({cli:.2f} s)"
        )


if __name__ == "__main__":
    main()
