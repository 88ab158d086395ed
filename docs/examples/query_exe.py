"""Launch a plugin executable exactly as Grafana does and query it, as `gpctl query --exe PATH` does."""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

from gpctl.dev import QueryRequest, health_json, open_client, query_json
from gpctl.launch import launch_plugin

PLUGIN = """
from __future__ import annotations

from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, PluginContext, serve


@dataclass(frozen=True)
class Query:
    city: str = "Oslo"


ds = Datasource("acme-weather-datasource")


@ds.query(model=Query)
def temperature(query: DataQuery[Query], ctx: PluginContext) -> Frame:
    start = query.time_range.from_ms
    return Frame(query.model.city, Field("time_ms", [start, start + 60_000]), Field("celsius", [3.5, 3.75]))


@ds.check_health
def check_health(ctx: PluginContext) -> HealthResult:
    return HealthResult.ok("Weather API is reachable.")


if __name__ == "__main__":
    serve(ds)
"""

with tempfile.TemporaryDirectory() as tmp:
    # A "binary" named as Grafana expects: here a shell wrapper around Python; `gpctl build` makes real ones.
    script = Path(tmp) / "plugin.py"
    script.write_text(textwrap.dedent(PLUGIN))
    exe = Path(tmp) / "gpx_weather_linux_amd64"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}"\n')
    exe.chmod(0o755)

    # Grafana's environment, no arguments, the handshake line read from stdout, then gRPC.
    plugin = launch_plugin(exe)
    print(f"handshake after {plugin.handshake_ms:.0f} ms, serving on {plugin.address}")
    stopped_ms = plugin.stop()  # as Grafana's Kill(): Shutdown RPC, wait up to 2 s, then SIGKILL
    assert plugin.process.returncode == 0
    print(f"stopped in {stopped_ms:.0f} ms")

    # What `gpctl query --exe ... --from 1767225600000 --to 1767229200000 '{"city": "Bergen"}' --json` prints:
    with open_client(executable=exe) as client:
        request = QueryRequest({"city": "Bergen"}, time_from="1767225600000", time_to="1767229200000")
        response = query_json(client, request)
        health = health_json(client)
    result = response["results"]["A"]
    assert result["status"] == 200
    frame = result["frames"][0]
    assert frame["schema"]["name"] == "Bergen"
    assert frame["data"]["values"] == [[1767225600000, 1767225660000], [3.5, 3.75]]
    assert health == {"status": "OK", "message": "Weather API is reachable."}
    print("query and health check OK")
