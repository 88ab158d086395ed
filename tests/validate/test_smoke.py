"""`--smoke` failure paths with shell-script "executables" (the success path is in test_packaged.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from validate_helpers import FIXTURES, copy_fixture

from gpctl.validate import validate
from gpctl.validate.rules.smoke import host_target

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell scripts")


def _plugin(tmp_path: Path, script: str | None) -> tuple[Path, Path]:
    dist = copy_fixture(FIXTURES / "good" / "datasource", tmp_path / "dist")
    (dist / "MANIFEST.txt").unlink()
    (dist / "gpx_weather_linux_amd64").unlink()
    exe = dist / f"gpx_weather_{host_target().replace('/', '_')}"
    if script is not None:
        exe.write_text(script)
        exe.chmod(0o755)
    return dist, exe


def _smoke_findings(dist: Path) -> list[str]:
    report = validate(dist, smoke=True, smoke_timeout=5)
    return [f.line() for f in report.findings if f.analyzer == "smoke"]


def test_no_executable_for_this_machine(tmp_path: Path) -> None:
    dist, exe = _plugin(tmp_path, None)
    (dist / "gpx_weather_plan9_amd64").write_bytes(b"")
    target = host_target()
    assert _smoke_findings(dist) == [
        f"error[smoke-no-executable] dist/{exe.name}: There is no `{exe.name}` for this `{target}` machine; "
        "--smoke starts only the host platform's executable (build it here with `gpctl build`)."
    ]


def test_early_exit_is_reported_with_the_last_stderr_line(tmp_path: Path) -> None:
    dist, exe = _plugin(
        tmp_path, "#!/bin/sh\necho 'ModuleNotFoundError: No module named weather' >&2\nexit 3\n"
    )
    assert _smoke_findings(dist) == [
        f"error[smoke-start] dist/{exe.name}: Plugin `{exe}` exited with code 3 before printing its handshake "
        "line (Grafana: plugin exited before we could connect). Its last stderr line: "
        "`ModuleNotFoundError: No module named weather`."
    ]


def test_a_failed_start_shows_in_the_smoke_section(tmp_path: Path) -> None:
    dist, exe = _plugin(tmp_path, "#!/bin/sh\nexit 1\n")
    lines = validate(dist, smoke=True, smoke_timeout=5).lines()
    start = lines.index(f"smoke: dist/{exe.name}")
    assert lines[start + 1] == "  did not start (see `smoke-start` above)"


def test_stdout_noise_before_the_handshake(tmp_path: Path) -> None:
    dist, exe = _plugin(tmp_path, "#!/bin/sh\necho 'starting weather plugin'\nsleep 5\n")
    findings = _smoke_findings(dist)
    assert findings == [
        f"error[smoke-start] dist/{exe.name}: Unrecognized remote plugin message: `starting weather plugin`; the "
        "first stdout line must be the handshake, e.g. `1|2|tcp|127.0.0.1:PORT|grpc`. Nothing may be printed to "
        "stdout before the handshake line; plugin code should log, not print."
    ]


def test_frontend_only_plugin_has_nothing_to_start(tmp_path: Path) -> None:
    dist, _ = _plugin(tmp_path, None)
    data = (
        (dist / "plugin.json")
        .read_text()
        .replace('"backend": true,', "")
        .replace('"executable": "gpx_weather",', "")
    )
    (dist / "plugin.json").write_text(data)
    assert _smoke_findings(dist) == [
        "error[smoke-no-executable] dist/plugin.json: plugin.json declares no backend `executable`; nothing to start."
    ]


PLUGIN = """\
from gpctl.sdk import Datasource, HealthResult, serve

ds = Datasource("myorg-weather-datasource")


@ds.check_health
def health(ctx):
    return HealthResult.ok("smoke ok")


serve(ds)
"""


def test_a_real_plugin_starts_answers_and_stops(tmp_path: Path) -> None:
    import gpctl.sdk

    if not hasattr(gpctl.sdk, "serve"):
        pytest.skip("gpctl.sdk.serve is not available yet")
    main = tmp_path / "plugin_main.py"
    main.write_text(PLUGIN)
    dist, exe = _plugin(tmp_path, f'#!/bin/sh\nexec "{sys.executable}" "{main}"\n')
    report = validate(dist, smoke=True, smoke_timeout=30)
    assert [f.rule for f in report.findings if f.analyzer == "smoke"] == []
    assert report.smoke is not None
    assert (report.smoke.executable, report.smoke.health) == (f"dist/{exe.name}", True)
    assert (report.smoke.check_health_status, report.smoke.check_health_message) == ("OK", "smoke ok")
    assert report.smoke.exit_code == 0
    text = report.lines()
    start = text.index(f"smoke: dist/{exe.name}")
    assert re.fullmatch(r"  handshake     \d+ ms", text[start + 1])
    assert re.fullmatch(r"  health        SERVING in \d+ ms", text[start + 2])
    assert re.fullmatch(r"  CheckHealth   OK in \d+ ms: smoke ok", text[start + 3])
    assert re.fullmatch(r"  shutdown      \d+ ms, exit code 0", text[start + 4])
    assert report.to_dict()["smoke"].keys() == {
        "executable",
        "handshake_ms",
        "health",
        "health_ms",
        "check_health_status",
        "check_health_message",
        "check_health_ms",
        "shutdown_ms",
        "exit_code",
    }
