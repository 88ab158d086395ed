"""`package()` on a small dist/ (fake executables, so no build is needed): names, top folder, modes, checksums."""

import hashlib
import json
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from gpctl.build import package
from gpctl.project import Project

root = Path(tempfile.mkdtemp())
(root / "src").mkdir()
(root / "pyproject.toml").write_text(
    '[project]\nversion = "1.0.0"\n[tool.gpctl]\nplugin = "weather.plugin:ds"\n'
)
plugin_json = {
    "id": "acme-weather-datasource",
    "type": "datasource",
    "executable": "gpx_weather",
    "backend": True,
}
(root / "src" / "plugin.json").write_text(json.dumps(plugin_json))
dist = root / "dist"
(dist / "gpx_weather_linux_amd64_internal").mkdir(parents=True)
(dist / "plugin.json").write_text(json.dumps({**plugin_json, "info": {"version": "1.0.0"}}))
(dist / "gpx_weather_linux_amd64").write_bytes(b"\x7fELF")
(dist / "gpx_weather_linux_amd64_internal" / "libpython3.11.so.1.0").write_bytes(b"lib")
(dist / "gpx_weather_linux_arm64").write_bytes(b"\x7fELF")

zips = package(Project.find(root))
assert [z.name for z in zips] == [
    "acme-weather-datasource-1.0.0.linux_amd64.zip",
    "acme-weather-datasource-1.0.0.linux_arm64.zip",
    "acme-weather-datasource-1.0.0.zip",
]
with zipfile.ZipFile(zips[0]) as archive:
    modes = {i.filename: oct(stat.S_IMODE(i.external_attr >> 16)) for i in archive.infolist()}
assert modes == {
    "acme-weather-datasource/": "0o755",
    "acme-weather-datasource/gpx_weather_linux_amd64": "0o755",
    "acme-weather-datasource/gpx_weather_linux_amd64_internal/": "0o755",
    "acme-weather-datasource/gpx_weather_linux_amd64_internal/libpython3.11.so.1.0": "0o644",
    "acme-weather-datasource/plugin.json": "0o644",
}, modes
sha256 = zips[0].with_name(zips[0].name + ".sha256").read_text().strip()
assert sha256 == hashlib.sha256(zips[0].read_bytes()).hexdigest()
print("\n".join(z.name for z in zips))
shutil.rmtree(root)
