"""Backend of the {{ cookiecutter.plugin_name }} Grafana plugin (`{{ cookiecutter.plugin_id }}`)."""
