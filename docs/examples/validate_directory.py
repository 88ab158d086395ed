"""Validate a plugin directory offline and read the report (no network, no Grafana needed)."""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

from gpctl.validate import Severity, validate

MIT = (
    "MIT License\n\nCopyright (c) 2026 My Org\n\nPermission is hereby granted, free of charge, to any person "
    'obtaining a copy of this software and associated documentation files (the "Software"), to deal in the '
    "Software without restriction.\n"
)


def make_plugin(dist: Path) -> None:
    """A small but complete datasource `dist/`: plugin.json, frontend, docs, logo, one backend executable."""
    (dist / "img").mkdir(parents=True)
    plugin = {
        "type": "datasource",
        "name": "Weather",
        "id": "myorg-weather-datasource",
        "backend": True,
        "executable": "gpx_weather",
        "info": {
            "description": "Weather data for Grafana.",
            "keywords": ["weather"],
            "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
            "screenshots": [],
            "version": "1.0.0",
            "updated": "2026-07-13",
        },
        "dependencies": {"grafanaDependency": ">=12.3.0"},
    }
    (dist / "plugin.json").write_text(json.dumps(plugin, indent=2))
    (dist / "module.js").write_text("define([], function () { return {}; });\n")
    (dist / "README.md").write_text("# Weather\n\nWeather data for Grafana.\n")
    (dist / "CHANGELOG.md").write_text("## 1.0.0\n\nFirst release.\n")
    (dist / "LICENSE").write_text(MIT)
    (dist / "img" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    # Only the header matters to the validator: a 64-bit x86-64 ELF executable.
    header = (
        b"\x7fELF\x02\x01\x01\x00"
        + bytes(8)
        + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)
    )
    exe = dist / "gpx_weather_linux_amd64"
    exe.write_bytes(header)
    exe.chmod(0o755)


with tempfile.TemporaryDirectory() as temp:
    dist = Path(temp) / "dist"
    make_plugin(dist)

    report = validate(dist)

    for line in report.lines():
        print(line)

    # No errors: the plugin is valid. Two warnings: no screenshots, and no MANIFEST.txt (unsigned).
    assert report.ok
    assert report.errors == []
    assert [f.rule for f in report.warnings] == ["screenshots", "unsigned-plugin"]
    assert report.warnings[1].line() == (
        "warning[unsigned-plugin] dist/MANIFEST.txt: The plugin is unsigned; sign it with `gpctl sign` before release."
    )

    # The executable was parsed: format, architecture and mode, checked against its name.
    (binary,) = report.binaries
    assert (binary.target, binary.format, binary.arch, binary.mode) == ("linux/amd64", "ELF", "amd64", "0755")

    # With strict=True, warnings make the report invalid (what `gpctl validate --strict` exits 1 on).
    assert not validate(dist, strict=True).ok

    # A finding names its rule (the plugin-validator's id), the file, and what to do.
    (dist / "gpx_weather_linux_amd64").chmod(0o700)
    broken = validate(dist)
    assert [f.rule for f in broken.errors] == ["binary-executable-permissions"]
    assert broken.errors[0].severity is Severity.ERROR
    print(broken.errors[0].line())
