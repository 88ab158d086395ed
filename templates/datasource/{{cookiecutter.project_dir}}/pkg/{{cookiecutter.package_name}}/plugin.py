"""The {{ cookiecutter.plugin_name }} data source backend (`{{ cookiecutter.plugin_id }}`).

Grafana starts this backend and calls it over gRPC; `gpctl.sdk` does the protocol. What is here:

- `query`: one query of a panel. The query model (`Query`) is the JSON the query editor saves.
- `check_health`: the "Save & test" button of the data source settings.
- `/ping`: a resource route; the frontend calls it with `DataSourceWithBackend.getResource("ping")`.
- `connect`: one HTTP client per data source configuration (Grafana calls it an instance), closed when the
  settings change. Point `url` at the API you want to query and use `ctx.instance` to call it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gpctl import sdk
from gpctl.sdk import DataQuery, Datasource, Field, Frame, HealthResult, InstanceSettings, PluginContext
from gpctl.sdk.resources import ResourceRequest

if TYPE_CHECKING:  # httpx is imported where it is first used: Grafana gets the handshake ~0.1 s sooner
    import httpx

PLUGIN_ID = "{{ cookiecutter.plugin_id }}"


@dataclass(frozen=True)
class JsonData:
    """The data source's `jsonData` (ConfigEditor.tsx); JSON keys match a field or its camelCase form."""

    url: str = ""
    timeout: float = 10.0


@dataclass(frozen=True)
class SecureJsonData:
    """The data source's decrypted `secureJsonData` (`apiKey` in ConfigEditor.tsx); never logged."""

    api_key: str = ""


@dataclass(frozen=True)
class Query:
    """One query from the query editor (QueryEditor.tsx), without Grafana's keys (refId, datasource...)."""

    query_text: str = ""  # queryText in types.ts
    constant: float = 6.5


@contextlib.asynccontextmanager
async def connect(settings: InstanceSettings[JsonData, SecureJsonData]) -> AsyncIterator[httpx.AsyncClient]:
    """Open the HTTP client for one data source configuration; Grafana's new settings close it."""
    import httpx

    api_key = settings.secure_json_data.api_key
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    async with httpx.AsyncClient(
        base_url=settings.json_data.url, headers=headers, timeout=settings.json_data.timeout
    ) as client:
        yield client


ds = Datasource(
    PLUGIN_ID,
    json_data=JsonData,
    secure_json_data=SecureJsonData,
    instance=connect,
)


@ds.resource("/ping")
async def ping(request: ResourceRequest, ctx: PluginContext[httpx.AsyncClient]) -> dict[str, str]:
    """`GET /api/datasources/uid/<uid>/resources/ping`: answer with the configured URL."""
    return {"message": "pong", "url": str(ctx.instance.base_url)}


@ds.query(model=Query)
async def query(query: DataQuery[Query], ctx: PluginContext[httpx.AsyncClient]) -> Frame:
    """Answer one query with a frame: two rows, at the start and the end of the panel's time range."""
    return Frame(
        "response",
        Field("time", [query.time_range.from_, query.time_range.to]),
        Field("values", [query.model.constant, query.model.constant]),
    )


@ds.check_health
async def check_health(ctx: PluginContext[httpx.AsyncClient]) -> HealthResult:
    """Fail with a clear message when the API key is missing; call the API when a URL is configured."""
    import httpx

    settings = ctx.settings
    if settings is None or not settings.secure_json_data.api_key:
        return HealthResult.error("API key is missing; enter it in the data source settings.")
    if not settings.json_data.url:
        return HealthResult.ok("Data source is working (no URL configured, so no API call was made).")
    try:
        response = await ctx.instance.get("/")
    except httpx.HTTPError as exc:
        return HealthResult.error(f"Cannot reach `{settings.json_data.url}`: {exc}.")
    if response.is_error:
        return HealthResult.error(f"The API answered {response.status_code}; check the URL and the API key.")
    return HealthResult.ok("Data source is working.")


if __name__ == "__main__":
    sdk.serve(ds)
