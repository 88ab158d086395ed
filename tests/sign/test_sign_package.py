"""`gpctl package --sign` end to end: every per-arch zip carries its own manifest and verifies as valid."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from gpctl.sign import SignatureState, verify


def test_each_packaged_zip_verifies(tmp_path: Path, test_key: Any) -> None:
    from gpctl.build import package
    from gpctl.project import Project

    (tmp_path / "src").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "weather"\nversion = "1.2.3"\n[tool.gpctl]\nplugin = "weather.plugin:ds"\n'
    )
    plugin_json = {
        "id": "myorg-weather-datasource",
        "type": "datasource",
        "executable": "gpx_weather",
        "backend": True,
    }
    (tmp_path / "src" / "plugin.json").write_text(json.dumps(plugin_json))
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "plugin.json").write_text(json.dumps({**plugin_json, "info": {"version": "1.2.3"}}))
    (dist / "module.js").write_text("define([], () => ({}));\n")
    (dist / "gpx_weather_linux_amd64").write_bytes(b"\x7fELF amd64")
    (dist / "gpx_weather_linux_arm64").write_bytes(b"\x7fELF arm64")

    zips = package(Project.find(tmp_path), sign=True, sign_options={"key": test_key.secret})

    assert len(zips) == 3
    for archive in zips:
        verdict = verify(archive, key=test_key.public)
        assert verdict.state is SignatureState.VALID, (archive.name, verdict.reasons)
        with zipfile.ZipFile(archive) as bundle:
            names = {n.split("/", 1)[1] for n in bundle.namelist() if not n.endswith("/")}
        assert "MANIFEST.txt" in names
    with zipfile.ZipFile(zips[0]) as bundle:
        assert not any(n.endswith("gpx_weather_linux_arm64") for n in bundle.namelist())
