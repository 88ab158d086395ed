"""Render the datasource template from Python, then check what was generated."""

import json
import tempfile
from pathlib import Path

from gpctl.project import Project
from gpctl.scaffold import ANSWERS_FILE, render
from gpctl.validate import plugin_json_errors

with tempfile.TemporaryDirectory() as tmp:
    project = render("datasource", Path(tmp) / "weather", {"name": "Weather", "org": "acme"})

    plugin_json = json.loads((project / "src" / "plugin.json").read_text())
    assert plugin_json["id"] == "acme-weather-datasource"
    assert plugin_json["executable"] == "gpx_weather"
    assert plugin_json_errors(plugin_json) == []  # valid against Grafana's official schema

    loaded = Project.find(project)  # what gpctl dev/build/query read
    assert loaded.plugin_ref == "weather.plugin:ds"
    assert (project / "pkg" / "weather" / "plugin.py").is_file()
    assert (project / "src" / "components" / "ConfigEditor.tsx").is_file()

    recorded = json.loads((project / ANSWERS_FILE).read_text())
    assert recorded["template"] == "datasource"
    assert recorded["answers"]["name"] == "Weather"
    print(f"rendered {len(list(project.rglob('*')))} paths for {plugin_json['id']}")
