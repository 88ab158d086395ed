"""A generated datasource, built with PyInstaller and packaged, validates with no errors, also with --smoke.

Slow: one `gpctl build` for this machine per module. The frontend is not built here (`npm run build` is covered
by the scaffold's own slow test); a stand-in `module.js` takes its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gpctl.project import Project
from gpctl.validate import validate

pytestmark = pytest.mark.slow


@dataclass
class Packaged:
    project: Project
    zips: list[Path]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    import gpctl.sdk

    if not hasattr(gpctl.sdk, "serve"):
        pytest.skip("gpctl.sdk.serve is not available yet")
    from gpctl.build import build, package
    from gpctl.scaffold import render

    root = render(
        "datasource", tmp_path_factory.mktemp("packaged") / "weather", {"name": "Weather", "org": "acme"}
    )
    project = Project.find(root)
    build(project, skip_frontend=True)
    (project.dist_dir / "module.js").write_text("define([], function () { return {}; });\n")
    return Packaged(project, package(project))


def test_built_project_validates_and_starts(packaged: Packaged) -> None:
    report = validate(packaged.project.root, smoke=True)
    assert report.errors == [], report.lines()
    assert report.kind == "project"
    assert [b.target for b in report.binaries] == [report.binaries[0].target]
    assert report.smoke is not None
    assert report.smoke.health is True
    assert report.smoke.check_health_status is not None
    assert report.smoke.handshake_ms is not None and report.smoke.handshake_ms < 10_000
    assert report.smoke.exit_code == 0


def test_every_packaged_zip_validates(packaged: Packaged) -> None:
    assert packaged.zips
    for archive in packaged.zips:
        report = validate(archive)
        assert report.errors == [], report.lines()
        assert report.binaries, archive


def test_cli_smoke_on_the_per_arch_zip(run_cli: Any, packaged: Packaged) -> None:
    per_arch = next(z for z in packaged.zips if z.name.count(".") > 3)
    result = run_cli("validate", "--smoke", str(per_arch))
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("smoke: acme-weather-datasource/gpx_weather_") for line in lines)
    assert any(line.startswith("  health        SERVING in ") for line in lines)
    assert lines[-1].endswith("; valid.")
