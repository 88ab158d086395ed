"""`gpctl protos`: the SDK's committed stubs are current, staleness is detected, project protos compile."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import pytest

import gpctl.protos

WEATHER = """syntax = "proto3";
package weather.v1;
import "weather/v1/common.proto";
service Weather { rpc Current(City) returns (Reading); }
message Reading { double celsius = 1; Unit unit = 2; }
"""
COMMON = """syntax = "proto3";
package weather.v1;
message City { string name = 1; }
enum Unit { CELSIUS = 0; }
"""


def test_committed_sdk_stubs_are_current(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("protos", "--check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Stubs are up to date.\n", "")


def test_stale_sdk_stubs_are_reported(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "_protocol"
    shutil.copytree(
        gpctl.protos.SDK_PROTOCOL_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "_[a-z]*.py")
    )
    monkeypatch.setattr(gpctl.protos, "SDK_PROTOCOL_DIR", copy)
    monkeypatch.chdir(tmp_path)
    stub = copy / "pluginv2" / "backend_pb2.py"
    stub.write_text(stub.read_text() + "# edited by hand\n")
    result = run_cli("protos", "--check")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: Generated stubs are stale: `_protocol/pluginv2/backend_pb2.py`. "
        "Run `gpctl protos` to regenerate them.\n"
    )
    result = run_cli("protos")
    assert (result.exit_code, result.stdout) == (
        0,
        "wrote _protocol/pluginv2/backend_pb2.py\n1 file(s) changed.\n",
    )
    assert run_cli("protos", "--check").exit_code == 0


def test_project_protos_compile_into_an_importable_package(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    protos = tmp_path / "pkg" / "myplugin" / "protos"
    (protos / "weather" / "v1").mkdir(parents=True)
    (protos / "weather" / "v1" / "weather.proto").write_text(WEATHER)
    (protos / "weather" / "v1" / "common.proto").write_text(COMMON)
    (protos.parent / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    result = run_cli("protos", "pkg/myplugin/protos")
    assert result.exit_code == 0, result.stderr
    assert "wrote pkg/myplugin/protos/weather/v1/weather_pb2_grpc.py\n" in result.stdout
    assert result.stdout.endswith("file(s) changed.\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    module = importlib.import_module("myplugin.protos.weather.v1.weather_pb2")
    grpc_module = importlib.import_module("myplugin.protos.weather.v1.weather_pb2_grpc")
    assert module.Reading(celsius=21.5).celsius == 21.5
    assert hasattr(grpc_module, "WeatherStub")
    assert "from ..v1 import common_pb2" not in (protos / "weather" / "v1" / "weather_pb2.py").read_text()
    check = run_cli("protos", "pkg/myplugin/protos", "--check")
    assert (check.exit_code, check.stdout) == (0, "Stubs are up to date.\n")
    for name in list(sys.modules):
        if name.startswith("myplugin"):
            del sys.modules[name]


def test_protoc_errors_are_sentences(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.proto").write_text('syntax = "proto3";\nmessage {')
    result = run_cli("protos", str(tmp_path / "bad.proto"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: protoc failed on `{tmp_path}`: {tmp_path}/bad.proto:2:9: Expected message name.\n"
    )


def test_missing_path(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("protos", str(tmp_path / "nope"))
    assert (result.exit_code, result.stderr) == (1, f"error: Path `{tmp_path / 'nope'}` does not exist.\n")
