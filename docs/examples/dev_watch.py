"""Which saves make `gpctl dev` reload: the defaults, and uvicorn-style --reload-include/--reload-exclude."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gpctl.dev import WatchSpec

with tempfile.TemporaryDirectory() as tmp:
    root = Path(tmp)
    for directory in ("pkg/weather", "src", "node_modules/left-pad"):
        (root / directory).mkdir(parents=True)

    spec = WatchSpec.for_project(root, [root / "pkg", root / "src"])
    assert spec.accepts(root / "pkg/weather/plugin.py")
    assert spec.accepts(root / "src/plugin.json")
    assert spec.accepts(root / "pyproject.toml")
    assert not spec.accepts(root / "src/components/QueryEditor.tsx")  # the frontend has its own watcher
    assert not spec.accepts(root / "pkg/weather/__pycache__/plugin.cpython-312.pyc")
    assert not spec.accepts(root / "pkg/weather/.plugin.py.swp")  # editor swap files
    assert not spec.accepts(root / "node_modules/left-pad/index.py")

    # --reload-include '*.sql' --reload-exclude 'pkg/generated/*' --reload-exclude '*_test.py'
    spec = WatchSpec.for_project(
        root,
        [root / "pkg", root / "src"],
        reload_includes=["*.sql"],
        reload_excludes=["pkg/generated/*", "*_test.py"],
    )
    assert spec.accepts(root / "pkg/weather/queries/current.sql")
    assert not spec.accepts(root / "pkg/generated/stubs.py")
    assert not spec.accepts(root / "pkg/weather/plugin_test.py")
    print("watched dirs:", [d.relative_to(root.resolve()).as_posix() for d in spec.dirs])
