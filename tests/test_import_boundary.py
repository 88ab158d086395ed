"""The runtime stays light and separate from the toolchain (style.md §4)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

SDK = Path(__file__).resolve().parents[1] / "gpctl" / "sdk"
FORBIDDEN = (
    "typer",
    "rich",
    "click",
    "cookiecutter",
    "jinja2",
    "watchfiles",
    "PyInstaller",
    "pyarrow",
    "numpy",
    "grpc",
    "prometheus_client",
    "gpctl.cli",
    "gpctl.build",
    "gpctl.scaffold",
    "gpctl.dev",
    "gpctl.sign",
    "gpctl.validate",
    "gpctl.launch",
    "gpctl.protos",
    "gpctl.project",
)


def _modules(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_import_gpctl_sdk_loads_no_toolchain_and_nothing_heavy() -> None:
    assert _loaded(_modules("import gpctl.sdk"), FORBIDDEN) == []


def test_building_a_plugin_loads_no_toolchain() -> None:
    code = (
        "from gpctl.sdk import Datasource, Frame, Field, HealthResult\n"
        "ds = Datasource('x-datasource')\n"
        "ds.query('a')(lambda q, c: Frame('f', Field('v', [1])))\n"
        "import gpctl.sdk.testing, gpctl.sdk.resources, gpctl.sdk.errors\n"
    )
    assert _loaded(_modules(code), FORBIDDEN[:7] + FORBIDDEN[10:]) == []


def test_import_gpctl_alone_loads_no_third_party_module() -> None:
    before = set(_modules("pass"))
    after = set(_modules("import gpctl"))
    assert sorted(after - before) == ["gpctl"]


def test_only_the_protocol_package_imports_grpc() -> None:
    pattern = re.compile(r"^\s*(import grpc|from grpc[\s.]|import grpc_|from grpc_)", re.MULTILINE)
    offenders = [
        str(path.relative_to(SDK))
        for path in sorted(SDK.rglob("*.py"))
        if "_protocol" not in path.relative_to(SDK).parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_only_the_data_package_imports_pyarrow() -> None:
    pattern = re.compile(r"^\s*(import pyarrow|from pyarrow)", re.MULTILINE)
    offenders = [
        str(path.relative_to(SDK))
        for path in sorted(SDK.rglob("*.py"))
        if path.relative_to(SDK).parts[0] != "data" and pattern.search(path.read_text())
    ]
    assert offenders == []
