"""One HTTP client per datasource configuration: connections are reused across queries, closed on settings change.

A local HTTP server stands in for the weather API and records which TCP connection served each request.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from gpctl.sdk import DataQuery, Datasource, Field, Frame, InstanceSettings, PluginContext
from gpctl.sdk.testing import PluginClient

# -- the plugin -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonData:
    url: str


@dataclass(frozen=True)
class CityQuery:
    city: str


@contextlib.asynccontextmanager
async def connect(settings: InstanceSettings[JsonData, dict[str, str]]) -> AsyncIterator[httpx.AsyncClient]:
    """Made once per datasource configuration; closed when the user saves new settings, and at shutdown."""
    async with httpx.AsyncClient(base_url=settings.json_data.url, timeout=5) as client:
        yield client


ds = Datasource("myorg-weather-datasource", json_data=JsonData, instance=connect)


@ds.query(model=CityQuery)
async def current(query: DataQuery[CityQuery], ctx: PluginContext[httpx.AsyncClient]) -> Frame:
    body = (await ctx.instance.get("/current", params={"city": query.model.city})).json()
    return Frame("current", Field("temperature", [body["temperature"]]))


# -- a stand-in weather API that records the client port of every request and every closed connection ------------


class WeatherAPI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real APIs
    requests: list[int] = []
    closed: list[int] = []

    def do_GET(self) -> None:
        WeatherAPI.requests.append(self.client_address[1])
        body = b'{"temperature": 21.5}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def finish(self) -> None:
        super().finish()
        WeatherAPI.closed.append(self.client_address[1])

    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    api = ThreadingHTTPServer(("127.0.0.1", 0), WeatherAPI)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{api.server_address[1]}"

    with PluginClient(ds, json_data={"url": url}) as grafana:
        for _ in range(5):
            assert grafana.query("", {"city": "Oslo"})["A"].frames[0].field("temperature").values == [21.5]
        assert len(set(WeatherAPI.requests)) == 1, "five queries, one TCP connection"
        first_connection = WeatherAPI.requests[0]

        grafana.settings["updated_ms"] += 1  # the user saved the datasource settings
        grafana.query("", {"city": "Oslo"})
        for _ in range(100):  # the old client closes once its last request is over
            if first_connection in WeatherAPI.closed:
                break
            time.sleep(0.02)
        assert first_connection in WeatherAPI.closed
        assert len(set(WeatherAPI.requests)) == 2
    api.shutdown()
    print("instances_http: ok")
