"""How each fixture plugin directory under `fixtures/<analyzer>/<case>/` is made from the valid base plugin.

Regenerate with `python tests/validate/validate_helpers.py`; the expected output of each case is the committed
`fixtures/<analyzer>/<case>.expected` file, written by hand-checked runs (`--update` rewrites them).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from validate_helpers import LOGO, PNG, elf, fat_macho, macho, pe, plugin_json, sign, write_plugin

Case = Callable[[Path], None]


def _data(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "plugin.json").read_text())
    return data


def _save(root: Path, data: dict[str, Any]) -> None:
    (root / "plugin.json").write_text(json.dumps(data, indent=2) + "\n")


def _edit(**changes: Any) -> Case:
    def run(root: Path) -> None:
        _save(root, plugin_json(**changes))

    return run


def _info(**changes: Any) -> Case:
    def run(root: Path) -> None:
        data = _data(root)
        data["info"].update(changes)
        _save(root, data)

    return run


def _deps(**changes: Any) -> Case:
    def run(root: Path) -> None:
        data = _data(root)
        data["dependencies"].update(changes)
        _save(root, data)

    return run


def _remove(*names: str) -> Case:
    def run(root: Path) -> None:
        for name in names:
            target = root / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()

    return run


def _write(name: str, content: str | bytes, mode: int = 0o644) -> Case:
    def run(root: Path) -> None:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        target.chmod(mode)

    return run


def _all(*steps: Case) -> Case:
    def run(root: Path) -> None:
        for step in steps:
            step(root)

    return run


def _nested(folder: str, data: dict[str, Any]) -> Case:
    def run(root: Path) -> None:
        (root / folder / "img").mkdir(parents=True)
        (root / folder / "img" / "logo.svg").write_text(LOGO)
        (root / folder / "img" / "screenshot.png").write_bytes(PNG)
        (root / folder / "plugin.json").write_text(json.dumps(data, indent=2) + "\n")

    return run


def _nested_app(declare: str | None, nested_type: str = "datasource") -> Case:
    def run(root: Path) -> None:
        data = plugin_json(
            id="myorg-weather-app", type="app", name="Weather App", backend=None, executable=None
        )
        data.pop("metrics")
        if declare is not None:
            data["includes"] = [{"type": declare, "path": "datasource/plugin.json", "name": "Weather"}]
        _save(root, data)
        _nested("datasource", plugin_json(type=nested_type, executable="../gpx_weather"))(root)

    return run


EXE = "gpx_weather_linux_amd64"

CASES: dict[str, dict[str, Case | None]] = {
    "good": {
        "datasource": None,
        "all-targets": _all(
            _write("gpx_weather_linux_arm64", elf(0xB7), 0o755),
            _write("gpx_weather_linux_arm", elf(0x28, bits=32), 0o755),
            _write("gpx_weather_darwin_arm64", macho(), 0o755),
            _write("gpx_weather_darwin_amd64", fat_macho(0x01000007, 0x0100000C), 0o755),
            _write("gpx_weather_windows_amd64.exe", pe(), 0o644),
        ),
        "app-nested": _all(_nested_app("datasource"), _remove(EXE), _write(EXE, elf(), 0o755)),
    },
    "metadata": {
        "missing": _remove("plugin.json"),
        "not-json": _write("plugin.json", '{"id": "myorg-weather-datasource",\n  "type": }\n'),
    },
    "metadatavalid": {
        "schema": _all(_edit(gpctl={"plugin": "weather.plugin:ds"}), _info(keywords=[], version=100)),
    },
    "grafanadependency": {"invalid": _deps(grafanaDependency="twelve")},
    "pluginname": {
        "name-is-id": _edit(name="myorg-weather-datasource"),
        "short-id": _edit(id="weather-datasource"),
    },
    "typesuffix": {"wrong-suffix": _edit(id="myorg-weather-panel")},
    "discoverability": {"empty": _info(description="", keywords=["datasource"])},
    "restrictivedep": {
        "patch-releases": _deps(grafanaDependency="12.3.x"),
        "single-release": _deps(grafanaDependency="12.3.0"),
    },
    "version": {"unreplaced": _info(version="%VERSION%")},
    "backendbinary": {
        "alerting-without-backend": _edit(alerting=True, backend=False, executable=None),
        "executable-without-backend": _edit(backend=False),
        "backend-without-executable": _edit(executable=None),
        "no-binaries": _remove(EXE),
        "arch-mismatch": _write(EXE, elf(0xB7), 0o755),
        "os-mismatch": _write(EXE, macho(0x01000007), 0o755),
        "not-an-executable": _write(EXE, "#!/bin/sh\nexit 0\n", 0o755),
        "windows-without-exe": _write("gpx_weather_windows_amd64", pe(), 0o755),
        "unknown-target": _write("gpx_weather_plan9_amd64", elf(), 0o755),
    },
    "binarypermissions": {"not-0755": _write(EXE, elf(), 0o644)},
    "backenddebug": {"standalone-txt": _write("standalone.txt", "127.0.0.1:50051\n")},
    "modulejs": {"missing": _remove("module.js")},
    "includesnested": {
        "not-declared": _all(_nested_app(None)),
        "type-mismatch": _all(_nested_app("panel")),
        "in-datasource": _nested(
            "panel",
            plugin_json(id="myorg-weather-panel", type="panel", metrics=None, backend=None, executable=None),
        ),
    },
    "readme": {
        "missing": _remove("README.md"),
        "comment": _write("README.md", "# Weather\n\n<!-- TODO: describe -->\nWeather data.\n"),
    },
    "templatereadme": {
        "template": _write(
            "README.md", "# Grafana Data Source Backend Plugin Template\n\nThis template is...\n"
        )
    },
    "changelog": {"missing": _remove("CHANGELOG.md")},
    "license": {
        "missing": _remove("LICENSE"),
        "not-accepted": _write("LICENSE", "Copyright 2026 My Org. All rights reserved. Proprietary.\n"),
        "generic-text": _write(
            "LICENSE",
            "                                 Apache License\n                           Version 2.0, January 2004\n"
            "...\n   Copyright {yyyy} {name of copyright owner}\n",
        ),
    },
    "logos": {"empty": _info(logos={"small": "", "large": "img/logo.svg"})},
    "metadatapaths": {
        "leading-dot": _info(logos={"small": "./img/logo.svg", "large": "img/logo.svg"}),
        "url": _info(screenshots=[{"name": "Shot", "path": "https://example.com/shot.png"}]),
        "missing-file": _info(logos={"small": "img/logo.svg", "large": "img/large.svg"}),
    },
    "screenshots": {
        "none": _info(screenshots=[]),
        "not-an-image": _all(
            _write("img/notes.png", "just text\n"),
            _info(screenshots=[{"name": "N", "path": "img/notes.png"}]),
        ),
        "extension-mismatch": _all(
            _write("img/shot.jpg", PNG), _info(screenshots=[{"name": "S", "path": "img/shot.jpg"}])
        ),
    },
    "unsafesvg": {
        "script": _write(
            "img/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        "onload": _write("img/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    },
}

# Cases about MANIFEST.txt itself: applied after signing.
MANIFEST_CASES: dict[str, Case] = {
    "unsigned": _remove("MANIFEST.txt"),
    "tampered": _write("README.md", "# Weather\n\nChanged after signing.\n"),
    "undeclared-file": _write("img/extra.png", PNG),
    "root-urls": lambda root: sign(root, rootUrls=["https://grafana.example.com/"]),
}


def generate(fixtures: Path) -> None:
    """Rewrite every fixture directory from the tables above."""
    for analyzer, cases in [*CASES.items(), ("manifest", dict.fromkeys(MANIFEST_CASES))]:
        for name, change in cases.items():
            root = fixtures / analyzer / name
            if root.exists():
                shutil.rmtree(root)
            write_plugin(root, signed=False)
            if analyzer == "manifest":
                sign(root)
                MANIFEST_CASES[name](root)
                continue
            if change is not None:
                change(root)
            sign(root)


def case_dirs(fixtures: Path) -> list[Path]:
    """Every fixture plugin directory, sorted (`<analyzer>/<case>`)."""
    return sorted(p for p in fixtures.glob("*/*") if p.is_dir())


def write_expected(fixtures: Path) -> None:
    """Rewrite every `<case>.expected` from the current output (review the diff before committing)."""
    import tempfile

    from validate_helpers import copy_fixture

    from gpctl.validate import validate

    for case in case_dirs(fixtures):
        with tempfile.TemporaryDirectory() as temp:
            copy = copy_fixture(case, Path(temp) / case.name)
            text = "\n".join(validate(copy).lines()) + "\n"
        case.with_name(case.name + ".expected").write_text(text)


if __name__ == "__main__":
    if "--expected" in sys.argv:
        write_expected(Path(__file__).parent / "fixtures")
    else:
        generate(Path(__file__).parent / "fixtures")
