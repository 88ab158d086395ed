from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gpctl.build import SpecOptions, render_spec
from gpctl.build._deferred import DEFERRED_HOOKS, render_deferred_hook

MODULES = {
    "fake_log.py": "events = []\n",
    "fake_target.py": "import fake_log\nfake_log.events.append('target')\n",
    "fake_hook.py": "import fake_log\nimport fake_target\nfake_log.events.append('hook ran after ' + fake_target.__name__)\n",
    "fake_calls.py": "import fake_log\n\ndef where(x):\n    fake_log.events.append(f'where {x}')\n    return x\n",
    "fake_calls_hook.py": (
        "import fake_calls\nimport fake_log\n\noriginal = fake_calls.where\n\n"
        "def patched(x):\n    fake_log.events.append('patched')\n    return original(x)\n\n"
        "fake_calls.where = patched\nfake_log.events.append('calls hook')\n"
    ),
    "fake_early.py": "import fake_log\nfake_log.events.append('early')\n",
    "fake_early_hook.py": "import fake_log\nfake_log.events.append('early hook')\n",
}

PROGRAM = """\
import json
import sys

sys.path.insert(0, sys.argv[1])
import fake_early
exec(compile(open(sys.argv[2]).read(), "gpctl_rth_deferred", "exec"), {"__name__": "gpctl_rth_deferred"})
import fake_log
steps = {"installed": list(fake_log.events)}
import fake_target
steps["import target"] = list(fake_log.events)
import fake_target
import fake_calls
steps["import calls"] = list(fake_log.events)
from fake_calls import where
assert where(1) == 1 and where(2) == 2 and fake_calls.where(3) == 3
steps["three calls"] = list(fake_log.events)
steps["patched stays"] = fake_calls.where.__name__
print(json.dumps(steps))
"""


def test_hooks_run_on_first_import_or_first_call(tmp_path: Path) -> None:
    for name, text in MODULES.items():
        (tmp_path / name).write_text(text)
    hook = tmp_path / "gpctl_rth_deferred.py"
    hook.write_text(
        render_deferred_hook(
            {
                "fake_target": ("fake_hook", ""),
                "fake_calls": ("fake_calls_hook", "where"),
                "fake_early": ("fake_early_hook", ""),
            }
        )
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROGRAM, str(tmp_path), str(hook)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(out.stdout) == {
        "installed": ["early", "early hook"],  # imported before the hook was installed: runs at once
        "import target": ["early", "early hook", "target", "hook ran after fake_target"],
        "import calls": ["early", "early hook", "target", "hook ran after fake_target"],
        "three calls": [
            "early",
            "early hook",
            "target",
            "hook ran after fake_target",
            "calls hook",
            "patched",
            "where 1",
            "patched",
            "where 2",
            "patched",
            "where 3",
        ],
        "patched stays": "patched",  # a reference taken before the first call does not undo the hook's patch
    }


def _defer_function(tmp_path: Path, **options: object) -> dict[str, object]:
    """Run the spec's `_defer_runtime_hooks` section (everything between the strip helper and the Analysis)."""
    spec = render_spec(
        SpecOptions(entry=tmp_path / "e.py", pathex=[], name="x", contents_directory="x_internal", **options)  # type: ignore[arg-type]
    )
    section = spec[spec.index("DEFERRED_HOOKS = ") : spec.index("a = Analysis(")]
    namespace: dict[str, object] = {"SPECPATH": str(tmp_path)}
    exec("import os\n" + section, namespace)
    return namespace


SCRIPTS = [
    ("pyiboot01_bootstrap", "/pi/loader/pyiboot01_bootstrap.py", "PYSOURCE"),
    ("pyi_rth_inspect", "/pi/rthooks/pyi_rth_inspect.py", "PYSOURCE"),
    ("pyi_rth_pkgutil", "/pi/rthooks/pyi_rth_pkgutil.py", "PYSOURCE"),
    ("pyi_rth_other", "/pi/rthooks/pyi_rth_other.py", "PYSOURCE"),
    ("gpctl_entry", "/w/gpctl_entry.py", "PYSOURCE"),
]


def test_spec_moves_the_hooks_into_the_archive(tmp_path: Path) -> None:
    namespace = _defer_function(tmp_path)
    assert namespace["DEFERRED_HOOKS"] == {name: list(value) for name, value in DEFERRED_HOOKS.items()}
    pure: list[tuple[str, str, str]] = [("acme", "/s/acme.py", "PYMODULE")]
    scripts = namespace["_defer_runtime_hooks"](SCRIPTS, pure)  # type: ignore[operator]
    hook = tmp_path / "gpctl_rth_deferred.py"
    assert scripts == [
        SCRIPTS[0],
        ("gpctl_rth_deferred", str(hook), "PYSOURCE"),
        SCRIPTS[3],
        SCRIPTS[4],
    ]
    assert pure == [
        ("acme", "/s/acme.py", "PYMODULE"),
        ("_gpctl_rth_inspect", "/pi/rthooks/pyi_rth_inspect.py", "PYMODULE"),
        ("_gpctl_rth_pkgutil", "/pi/rthooks/pyi_rth_pkgutil.py", "PYMODULE"),
    ]
    assert hook.read_text() == render_deferred_hook(
        {"inspect": ("_gpctl_rth_inspect", "getsourcefile"), "pkgutil": ("_gpctl_rth_pkgutil", "")}
    )
    optimized = [(name, path, "PYSOURCE-2") for name, path, _ in SCRIPTS]
    pure = []
    scripts = namespace["_defer_runtime_hooks"](optimized, pure)  # type: ignore[operator]
    assert [t for _, _, t in scripts] == ["PYSOURCE-2"] * 4
    assert [t for _, _, t in pure] == ["PYMODULE-2"] * 2


def test_no_deferred_hooks_keeps_the_scripts(tmp_path: Path) -> None:
    namespace = _defer_function(tmp_path, deferred_hooks={})
    pure: list[tuple[str, str, str]] = []
    assert namespace["_defer_runtime_hooks"](SCRIPTS, pure) == SCRIPTS  # type: ignore[operator]
    assert pure == []
    assert not (tmp_path / "gpctl_rth_deferred.py").exists()
