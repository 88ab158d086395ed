"""The PyInstaller spec and entry script `gpctl build` generates (no PyInstaller run)."""

import ast
from pathlib import Path

from gpctl.build import SpecOptions, render_entry, render_spec

entry = render_entry(
    "weather.plugin:ds", {"pluginID": "acme-weather-datasource", "version": "1.0.0", "time": "0"}
)
print(entry)
assert "import weather.plugin as _module" in entry
assert "serve(plugin, build_info=" in entry

spec = render_spec(
    SpecOptions(
        entry=Path("gpctl_entry.py"),
        pathex=[Path("pkg")],
        name="gpx_weather_linux_amd64",
        contents_directory="gpx_weather_linux_amd64_internal",
        strip_dir=Path("stripped"),
    )
)
ast.parse(spec)  # a valid Python file
assert '"grpc_tools"' in spec and '"setuptools"' in spec  # never bundled
assert "strip=True" not in spec  # PyInstaller's strip breaks numpy; gpctl strips copies of chosen libraries
assert 'contents_directory="gpx_weather_linux_amd64_internal"' in spec
# PyInstaller's runtime hooks for multiprocessing, pkgutil and inspect run on first use, not before the handshake
assert "a.scripts = _defer_runtime_hooks(a.scripts, a.pure)" in spec
assert '"pyi_rth_multiprocessing": ["multiprocessing", ""]' in spec
