"""`gpctl validate` through the real CLI entry: exact text, exit codes, JSON keys, projects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from validate_helpers import FIXTURES, copy_fixture

from gpctl.validate import rules

CATALOG = """\
catalog only: fails for non-Go backends (not run, not counted):
  sdkusage/go-sdk-not-used: needs a go.mod using grafana-plugin-sdk-go; a Python backend has none (ask for an exception when submitting).
  backendbinary/backend-binary-not-linux-amd64: needs Go build info in a linux/amd64 binary; PyInstaller executables have none (gpctl checks the headers instead).
  govulncheck/govulncheck-scan-failed: scans each `<executable>*` file as a Go binary; a non-Go executable fails the scan.
"""


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    return copy_fixture(FIXTURES / "good" / "datasource", tmp_path / "dist")


def test_valid_plugin_exits_0(run_cli: Any, dist: Path) -> None:
    result = run_cli("validate", str(dist))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "backend executables:\n"
        "  dist/gpx_weather_linux_amd64: ELF 64-bit amd64, mode 0755, static\n"
        "\n" + CATALOG + "\n"
        "myorg-weather-datasource 1.0.0 (dist): 0 errors, 0 warnings; valid.\n"
    )


def test_errors_exit_1_with_one_error_line(run_cli: Any, dist: Path) -> None:
    (dist / "LICENSE").unlink()
    (dist / "pid.txt").write_text("123\n")
    result = run_cli("validate", str(dist))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "error[backend-debug-file-present] dist/pid.txt: `pid.txt` is a dev-mode file: with it Grafana does not "
        "start the bundled executable but connects to a running debug process; delete it before packaging.",
        "error[license-not-provided] dist/LICENSE: LICENSE is missing; add one of BSD, MIT, Apache-2.0, LGPL-3.0, "
        "GPL-3.0 or AGPL-3.0.",
        "error[undeclared-files] dist/pid.txt: The file is not declared in MANIFEST.txt; sign the plugin again.",
    ]
    assert (
        result.stdout.splitlines()[-1]
        == "myorg-weather-datasource 1.0.0 (dist): 4 errors, 0 warnings; invalid."
    )
    assert result.stderr == "error: `dist` has 4 errors; fix them and run `gpctl validate` again.\n"


def test_strict_fails_on_warnings(run_cli: Any, dist: Path) -> None:
    (dist / "CHANGELOG.md").write_text("")
    (dist / "MANIFEST.txt").unlink()  # unsigned: a warning, not a sha256 error
    relaxed = run_cli("validate", str(dist))
    assert relaxed.exit_code == 0
    strict = run_cli("validate", "--strict", str(dist))
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[:2] == [
        "warning[missing-changelog] dist/CHANGELOG.md: CHANGELOG.md is empty; list the changes of each version.",
        "warning[unsigned-plugin] dist/MANIFEST.txt: The plugin is unsigned; sign it with `gpctl sign` before "
        "release.",
    ]
    assert strict.stdout.splitlines()[-1] == (
        "myorg-weather-datasource 1.0.0 (dist): 0 errors, 2 warnings; invalid (--strict: warnings fail)."
    )
    assert strict.stderr == "error: `dist` has 2 warnings, and --strict makes warnings fail.\n"


def test_json_output_has_stable_keys(run_cli: Any, dist: Path) -> None:
    (dist / "README.md").write_text("# Weather\n<!-- todo -->\n")
    result = run_cli("validate", "--json", str(dist))
    data = json.loads(result.stdout)
    assert list(data) == [
        "format",
        "target",
        "kind",
        "plugin",
        "valid",
        "strict",
        "counts",
        "findings",
        "binaries",
        "catalog_only",
        "smoke",
    ]
    assert data["format"] == 1
    assert data["plugin"] == {"id": "myorg-weather-datasource", "version": "1.0.0", "type": "datasource"}
    assert data["counts"] == {"error": 1, "warning": 1, "recommendation": 0}
    assert data["findings"][0] == {
        "rule": "invalid-sha-sum",
        "analyzer": "manifest",
        "severity": "error",
        "path": "dist/README.md",
        "message": "The file's sha256 differs from MANIFEST.txt; it changed after signing.",
    }
    assert data["findings"][1]["rule"] == "readme-comment"
    assert list(data["binaries"][0]) == [
        "path",
        "target",
        "format",
        "arch",
        "bits",
        "mode",
        "libc",
        "glibc",
        "go_build_info",
    ]
    assert [n["analyzer"] for n in data["catalog_only"]] == ["sdkusage", "backendbinary", "govulncheck"]
    assert data["smoke"] is None
    assert result.exit_code == 1


def test_project_directory_validates_its_dist(run_cli: Any, tmp_path: Path) -> None:
    project = tmp_path / "weather"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "weather"\nversion = "1.0.0"\n\n[tool.gpctl]\nplugin = "weather.plugin:ds"\n'
    )
    shutil.copy(FIXTURES / "good" / "datasource" / "plugin.json", project / "src" / "plugin.json")
    missing = run_cli("validate", str(project))
    assert missing.exit_code == 1
    assert missing.stderr == "error: Project `weather` has no `dist/` to validate; run `gpctl build` first.\n"
    copy_fixture(FIXTURES / "good" / "datasource", project / "dist")
    result = run_cli("validate", str(project))
    assert result.exit_code == 0
    assert (
        result.stdout.splitlines()[-1]
        == "myorg-weather-datasource 1.0.0 (dist): 0 errors, 0 warnings; valid."
    )


def test_target_option(run_cli: Any, dist: Path) -> None:
    result = run_cli("validate", "--target", "darwin/arm64", str(dist))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "error[backend-binary-target-missing] dist/gpx_weather_darwin_arm64: Target `darwin/arm64` is declared but "
        "`gpx_weather_darwin_arm64` does not exist."
    )
    bad = run_cli("validate", "--target", "plan9/amd64", str(dist))
    assert bad.stderr.startswith("error: Unknown target `plan9/amd64`; use one of `linux/amd64`, ")


def test_list_rules(run_cli: Any) -> None:
    result = run_cli("validate", "--list-rules")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert len(lines) == len(rules())
    assert lines[0].split() == ["error", "archive", "empty-archive", "The", "zip", "has", "no", "entries."]
    assert any(line.endswith("(gpctl)") for line in lines)


def test_missing_path(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: `{tmp_path / 'nope'}` does not exist; pass a project directory, a plugin directory such as "
        "`dist`, or a zip.\n"
    )
