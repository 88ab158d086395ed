"""Fixtures of the go-plugin end-to-end tests: the Go host (built once per session) and the example plugin."""

from __future__ import annotations

from pathlib import Path

import pytest
from gohost import build_host, write_wrapper

EXAMPLE = Path(__file__).resolve().parent / "example" / "plugin.py"


@pytest.fixture(scope="session")
def go_host() -> Path:
    return build_host()


@pytest.fixture(scope="session")
def example_executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin as an executable file named like a plugin binary (a shell wrapper over Python)."""
    return write_wrapper(tmp_path_factory.mktemp("plugin") / "gpx_example_linux_amd64", EXAMPLE)
