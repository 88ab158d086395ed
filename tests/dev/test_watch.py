"""Which changed files make `gpctl dev` reload (uvicorn-style includes and excludes)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gpctl.dev import WatchSpec
from gpctl.dev._watch import watch_changes


def _spec(tmp_path: Path, **kwargs: object) -> WatchSpec:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "src").mkdir(exist_ok=True)
    return WatchSpec.for_project(tmp_path, [tmp_path / "pkg", tmp_path / "src"], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("relative", "accepted"),
    [
        ("pkg/weather/plugin.py", True),
        ("src/plugin.json", True),
        ("pyproject.toml", True),
        ("src/module.ts", False),
        ("pkg/weather/__pycache__/plugin.cpython-311.pyc", False),
        ("pkg/weather/.plugin.py.swp", False),
        ("pkg/weather/.#plugin.py", False),
        ("node_modules/x/index.py", False),
        ("dist/plugin.json", False),
        ("pkg/.venv/lib/site.py", False),
        ("pkg/.hidden/mod.py", False),
        ("pkg/weather/~plugin.py", False),
        (".git/config.py", False),
    ],
)
def test_default_filter(tmp_path: Path, relative: str, accepted: bool) -> None:
    assert _spec(tmp_path).accepts(tmp_path / relative) is accepted


def test_include_and_exclude_flags(tmp_path: Path) -> None:
    spec = _spec(tmp_path, reload_includes=["*.sql"], reload_excludes=["*_test.py", "pkg/generated/*"])
    assert spec.accepts(tmp_path / "pkg/queries/q.sql")
    assert not spec.accepts(tmp_path / "pkg/weather/plugin_test.py")
    assert not spec.accepts(tmp_path / "pkg/generated/stub.py")
    assert spec.accepts(tmp_path / "pkg/weather/plugin.py")
    assert spec.includes == ("*.py", "plugin.json", "pyproject.toml", "*.sql")


def test_reload_dirs_replace_defaults(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    spec = _spec(tmp_path, reload_dirs=[Path("lib"), Path("missing")])
    assert spec.dirs == ((tmp_path / "lib").resolve(),)
    assert _spec(tmp_path).dirs == ((tmp_path / "pkg").resolve(), (tmp_path / "src").resolve())


def test_watch_reports_a_save_quickly(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    stop = threading.Event()
    target = tmp_path / "pkg" / "plugin.py"
    batches: list[list[Path]] = []
    written = 0.0

    def write_later() -> None:
        nonlocal written
        time.sleep(0.3)
        (tmp_path / "pkg" / "notes.txt").write_text("ignored", encoding="utf-8")
        written = time.perf_counter()
        target.write_text("x = 1\n", encoding="utf-8")

    threading.Thread(target=write_later, daemon=True).start()
    for batch in watch_changes(spec, stop):
        batches.append(batch)
        latency = time.perf_counter() - written
        stop.set()
    assert batches == [[target.resolve()]]
    assert latency < 0.25
