"""How gpctl derives the plugin id and the other names from `--name` and `--org` (create-plugin's rules)."""

from gpctl.errors import TemplateError
from gpctl.scaffold import executable_name, normalize_id, package_name, plan

# <org>-<name>-<type>: non-alphanumerics dropped, lower case, a trailing "-<type>" removed from the name first.
assert normalize_id("Weather", "acme", "datasource") == "acme-weather-datasource"
assert normalize_id("Weather Datasource", "Acme Corp", "datasource") == "acmecorp-weather-datasource"
assert normalize_id("Sky Watch", "acme", "app") == "acme-skywatch-app"

assert executable_name("Sky Watch") == "gpx_sky_watch"  # plugin.json "executable"
assert package_name("Sky Watch") == "sky_watch"  # pkg/sky_watch/plugin.py
assert package_name("json") == "json_plugin"  # never shadows the standard library

# plan() checks the answers and returns everything the templates use, without writing anything.
context = plan("streaming", {"name": "Sky Watch", "org": "acme"})
assert context["plugin_id"] == "acme-skywatch-datasource"
assert context["plugin_type"] == "datasource"

try:
    plan("app", {"name": "!!!", "org": "acme"})
except TemplateError as error:
    assert error.message.startswith("The plugin name `!!!` has no letters or digits;")
else:
    raise AssertionError("a name without letters or digits must be refused")
print(context["plugin_id"], context["executable"], context["package_name"])
