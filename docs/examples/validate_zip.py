"""Validate a plugin zip; hostile entries (zip slip, absolute paths, symlinks) are refused, never extracted."""

from __future__ import annotations

import json
import stat
import tempfile
import zipfile
from pathlib import Path

from gpctl.validate import validate

PLUGIN = {
    "type": "panel",
    "name": "Clock",
    "id": "myorg-clock-panel",
    "info": {
        "description": "A clock.",
        "keywords": ["clock"],
        "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
        "screenshots": [],
        "version": "2.1.0",
        "updated": "2026-07-13",
    },
    "dependencies": {"grafanaDependency": ">=12.3.0"},
}


def add(archive: zipfile.ZipFile, name: str, data: str, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, so the mode below is honoured
    info.external_attr = (stat.S_IFREG | mode) << 16
    archive.writestr(info, data)


with tempfile.TemporaryDirectory() as temp:
    good = Path(temp) / "myorg-clock-panel-2.1.0.zip"
    with zipfile.ZipFile(good, "w") as archive:
        root = "myorg-clock-panel/"  # exactly one top-level directory, named after the plugin id
        add(archive, root + "plugin.json", json.dumps(PLUGIN))
        add(archive, root + "module.js", "define([], function () {});\n")
        add(archive, root + "README.md", "# Clock\n")
        add(archive, root + "CHANGELOG.md", "## 2.1.0\n")
        add(archive, root + "LICENSE", "Apache License\nVersion 2.0, January 2004\n")
        add(archive, root + "img/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')

    report = validate(good)
    print("\n".join(report.lines()))
    assert report.ok, report.lines()
    assert report.kind == "zip" and report.target == good.name

    # Add a zip-slip entry and a symlink: both are reported, neither is written anywhere.
    with zipfile.ZipFile(good, "a") as archive:
        add(archive, "myorg-clock-panel/../../escaped.txt", "gotcha")
        link = zipfile.ZipInfo("myorg-clock-panel/img/secret")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/shadow")

    hostile = validate(good)
    assert [f.rule for f in hostile.errors] == ["archive-unsafe-path", "archive-symlink"]
    print(hostile.errors[0].line())
    assert not (Path(temp).parent / "escaped.txt").exists()
