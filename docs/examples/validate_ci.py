"""Use the JSON report in CI: stable keys, one entry per finding, exit code from `valid`."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as temp:
    dist = Path(temp) / "dist"
    dist.mkdir()
    (dist / "plugin.json").write_text(
        json.dumps(
            {
                "type": "app",
                "name": "myorg-tools-app",
                "id": "myorg-tools-app",
                "info": {
                    "keywords": ["tools"],
                    "logos": {"small": "", "large": ""},
                    "version": "1.0.0",
                    "updated": "2026-07-13",
                },
                "dependencies": {"grafanaDependency": ">=12.3.0"},
            }
        )
    )

    # What a CI step runs: `gpctl validate --json dist`; exit code 1 means errors (or warnings with --strict).
    run = subprocess.run(
        [sys.executable, "-m", "gpctl", "validate", "--json", str(dist)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    assert run.returncode == 1
    assert report["valid"] is False
    assert run.stderr.startswith("error: `dist` has ")

    by_rule = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    assert {
        "human-friendly-name",
        "logos",
        "missing-modulejs",
        "missing-readme",
        "license-not-provided",
    } <= by_rule
    for finding in report["findings"]:
        print(f"{finding['severity']:>8} {finding['rule']:<28} {finding['path']}")
    print(report["counts"])
