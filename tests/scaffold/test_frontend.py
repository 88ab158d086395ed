"""`npm install && npm run build` in a generated datasource produces an AMD `dist/module.js` Grafana can load."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from gpctl.scaffold import render

pytestmark = pytest.mark.slow

# Loads dist/module.js the way Grafana's AMD loader does, with stand-ins for @grafana/* and react, and reports
# what the module wired together.
LOADER = r"""
const path = require('path');
class DataSourcePlugin {
  constructor(ds) { this.ds = ds; }
  setConfigEditor(editor) { this.config = editor; return this; }
  setQueryEditor(editor) { this.query = editor; return this; }
}
const stubs = {
  '@grafana/data': { DataSourcePlugin },
  '@grafana/runtime': { DataSourceWithBackend: class {}, getTemplateSrv: () => ({ replace: (s) => s }) },
  '@grafana/ui': {},
  react: { createElement: () => null },
};
global.define = (deps, factory) => {
  const exported = factory(...deps.map((name) => stubs[name]));
  const plugin = exported.plugin;
  console.log(JSON.stringify({
    deps,
    datasource: plugin.ds.name,
    configEditor: plugin.config.name,
    queryEditor: plugin.query.name,
  }));
};
require(path.resolve(process.argv[1]));
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not on PATH; the frontend build needs Node.js and npm.")
    project = render(
        "datasource", tmp_path_factory.mktemp("frontend") / "weather", {"name": "Weather", "org": "acme"}
    )
    started = time.perf_counter()
    subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=project, check=True, capture_output=True)
    installed = time.perf_counter()
    subprocess.run([npm, "run", "build"], cwd=project, check=True, capture_output=True)
    done = time.perf_counter()
    print(f"npm install {installed - started:.1f} s, npm run build {done - installed:.1f} s")
    return project


def test_dist_has_the_plugin(built: Path) -> None:
    dist = built / "dist"
    names = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assert names == [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "img/logo.svg",
        "module.js",
        "module.js.map",
        "plugin.json",
    ]
    plugin_json = json.loads((dist / "plugin.json").read_text())
    assert plugin_json["id"] == "acme-weather-datasource"
    assert plugin_json["info"]["version"] == "1.0.0"
    assert plugin_json["info"]["updated"] != "%TODAY%"


def test_module_js_is_amd_and_references_the_components(built: Path) -> None:
    module = (built / "dist" / "module.js").read_text()
    assert module.startswith('define(["@grafana/data","@grafana/runtime","@grafana/ui","react"], function (')
    for name in (
        "ConfigEditor",
        "QueryEditor",
        "DataSource",
        "config-editor-api-key",
        "query-editor-constant",
    ):
        assert name in module, name
    assert module.rstrip().endswith("//# sourceMappingURL=module.js.map")
    source_map = json.loads((built / "dist" / "module.js.map").read_text())
    assert any(source.endswith("src/components/ConfigEditor.tsx") for source in source_map["sources"])


def test_module_js_loads_like_grafana_loads_it(built: Path) -> None:
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, "-e", LOADER, str(built / "dist" / "module.js")], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {
        "deps": ["@grafana/data", "@grafana/runtime", "@grafana/ui", "react"],
        "datasource": "DataSource",
        "configEditor": "ConfigEditor",
        "queryEditor": "QueryEditor",
    }


def test_rebuild_keeps_backend_executables(built: Path) -> None:
    npm = shutil.which("npm")
    assert npm is not None
    dist = built / "dist"
    (dist / "gpx_weather_linux_amd64").write_text("binary")
    (dist / "stale.txt").write_text("old")
    subprocess.run([npm, "run", "build"], cwd=built, check=True, capture_output=True)
    assert (dist / "gpx_weather_linux_amd64").read_text() == "binary"
    assert not (dist / "stale.txt").exists()
