"""`gpctl query`: query the plugin from the terminal, as Grafana would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def _plugin_id(plugin_json: Path) -> str:
    try:
        return str(json.loads(plugin_json.read_text(encoding="utf-8")).get("id", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def register(app: typer.Typer) -> None:
    """Add the `query` command to `app`."""

    @app.command("query")
    def query(
        model: Annotated[
            str | None, typer.Argument(help='Query model as JSON, e.g. \'{"city": "Oslo"}\'.')
        ] = None,
        dev: Annotated[
            bool, typer.Option("--dev", help="Query the running `gpctl dev` server (default).")
        ] = False,
        exe: Annotated[
            Path | None,
            typer.Option("--exe", help="Launch this plugin executable as Grafana does and query it."),
        ] = None,
        ref: Annotated[str, typer.Option("--ref", help="The query's refId.")] = "A",
        query_type: Annotated[str, typer.Option("--type", help="The query's queryType.")] = "",
        time_from: Annotated[
            str, typer.Option("--from", help="Start: now-1h, now-1d/d, epoch ms, ISO.")
        ] = "now-1h",
        time_to: Annotated[str, typer.Option("--to", help="End of the time range.")] = "now",
        settings: Annotated[
            Path | None, typer.Option(help='JSON file: {"jsonData": {...}, "secureJsonData": {...}}.')
        ] = None,
        json_data: Annotated[
            str | None, typer.Option("--json-data", help="jsonData as JSON (merged over --settings).")
        ] = None,
        secure_json_data: Annotated[
            str | None,
            typer.Option("--secure-json-data", help="secureJsonData as JSON (merged over --settings)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print /api/ds/query-shaped JSON.")] = False,
        health: Annotated[bool, typer.Option("--health", help="Run CheckHealth instead of a query.")] = False,
        resource: Annotated[
            str | None, typer.Option("--resource", help="Call this resource path instead of a query.")
        ] = None,
        method: Annotated[str, typer.Option(help="HTTP method for --resource.")] = "GET",
        data: Annotated[str | None, typer.Option(help="Request body for --resource.")] = None,
        project: Annotated[Path, typer.Option(help="Project whose dev server --dev uses.")] = Path(),
    ) -> None:
        """Send a query (or --health, --resource) to the dev server or a built executable."""
        from gpctl.cli._console import out_console
        from gpctl.dev import (
            QueryRequest,
            health_json,
            load_settings,
            merge_settings,
            open_client,
            parse_model,
            parse_time_range,
            query_json,
            render_response,
            resource_json,
        )
        from gpctl.project import Project

        if dev and exe is not None:
            raise typer.BadParameter("Use either --dev or --exe, not both.")
        if health and resource is not None:
            raise typer.BadParameter("Use either --health or --resource, not both.")
        out = out_console()
        request = QueryRequest(parse_model(model), ref, query_type, time_from, time_to)
        parse_time_range(time_from, time_to)  # report a bad time before connecting
        options = merge_settings(
            load_settings(settings), json_data=json_data, secure_json_data=secure_json_data
        )
        if exe is not None:
            dev_dir, plugin_id = None, _plugin_id(exe.parent / "plugin.json")
        else:
            found = Project.find(project)
            dev_dir, plugin_id = found.dist_dir, found.plugin_id
        with open_client(dev_dir=dev_dir, executable=exe, settings=options, plugin_id=plugin_id) as client:
            if health:
                result = health_json(client)
                failed = result["status"] != "OK"
                text = f"Health: {result['status']}: {result['message']}"
            elif resource is not None:
                result = resource_json(client, resource, method=method, body=(data or "").encode())
                failed = result["status"] >= 400
                body = result["body"]
                text = f"{result['status']}\n" + (
                    body if isinstance(body, str) else json.dumps(body, indent=2)
                )
            else:
                result = query_json(client, request)
                failed = any("error" in entry for entry in result["results"].values())
                text = None
        if as_json:
            out.print(json.dumps(result, indent=2), soft_wrap=True)
        elif text is not None:
            out.print(text)
        else:
            for renderable in render_response(result):
                out.print(renderable)
        if failed:
            raise typer.Exit(1)
