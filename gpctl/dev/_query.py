"""`gpctl query` as a library: send QueryData / CheckHealth / CallResource as Grafana would, get JSON back.

The target is the running dev server (address from `dist/standalone.txt`) or an executable launched exactly as
Grafana launches it (`gpctl.launch`). Results come back in the shape of Grafana's `/api/ds/query` response:
`{"results": {"A": {"status": 200, "frames": [<frame JSON>...]}}}` (frames.md §6.6).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpctl.dev._files import read_address
from gpctl.dev._timerange import parse_time_range
from gpctl.errors import DevError

if TYPE_CHECKING:
    from gpctl.sdk.testing import PluginClient

__all__ = [
    "DatasourceSettings",
    "QueryRequest",
    "health_json",
    "load_settings",
    "merge_settings",
    "open_client",
    "parse_model",
    "query_json",
    "resource_json",
    "response_json",
]


@dataclass(frozen=True)
class DatasourceSettings:
    """The data source instance settings sent in the plugin context (Grafana's provisioning keys in the file)."""

    json_data: dict[str, Any] = field(default_factory=dict)
    secure_json_data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryRequest:
    """One query of a QueryData request."""

    model: dict[str, Any]
    ref_id: str = "A"
    query_type: str = ""
    time_from: str = "now-1h"
    time_to: str = "now"


def load_settings(path: Path | None) -> DatasourceSettings:
    """Read `{"jsonData": {...}, "secureJsonData": {...}}` from `path` (None: empty settings).

    Raises:
        DevError: the file is missing, not JSON, or not shaped like Grafana's data source settings.
    """
    if path is None:
        return DatasourceSettings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DevError(f"Settings file `{path}` does not exist.") from None
    except json.JSONDecodeError as exc:
        raise DevError(f"Settings file `{path}` is not valid JSON: {exc.msg} at line {exc.lineno}.") from None
    if not isinstance(data, dict) or not set(data) <= {"jsonData", "secureJsonData"}:
        raise DevError(
            f"Settings file `{path}` must be an object with only `jsonData` and `secureJsonData` keys."
        )
    json_data, secure = data.get("jsonData", {}), data.get("secureJsonData", {})
    if not isinstance(json_data, dict) or not isinstance(secure, dict):
        raise DevError(f"`jsonData` and `secureJsonData` in `{path}` must be JSON objects.")
    if not all(isinstance(v, str) for v in secure.values()):
        raise DevError(f"Every `secureJsonData` value in `{path}` must be a string.")
    return DatasourceSettings(json_data, secure)


def merge_settings(
    settings: DatasourceSettings, *, json_data: str | None = None, secure_json_data: str | None = None
) -> DatasourceSettings:
    """Overlay `--json-data` / `--secure-json-data` (JSON objects) on settings read from a file.

    Raises:
        DevError: a value is not a JSON object, or a secure value is not a string.
    """
    merged_json, merged_secure = dict(settings.json_data), dict(settings.secure_json_data)
    for option, text, target in (
        ("--json-data", json_data, merged_json),
        ("--secure-json-data", secure_json_data, merged_secure),
    ):
        if text is None:
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DevError(f"`{option}` is not valid JSON: {exc.msg} at column {exc.colno}.") from None
        if not isinstance(value, dict):
            raise DevError(f"`{option}` must be a JSON object, not `{text.strip()}`.")
        target.update(value)
    if not all(isinstance(v, str) for v in merged_secure.values()):
        raise DevError("Every `secureJsonData` value must be a string.")
    return DatasourceSettings(merged_json, merged_secure)


def parse_model(text: str | None) -> dict[str, Any]:
    """Parse the query model given on the command line (a JSON object; empty means `{}`).

    Raises:
        DevError: the text is not a JSON object.
    """
    if text is None or not text.strip():
        return {}
    try:
        model = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DevError(f"The query model is not valid JSON: {exc.msg} at column {exc.colno}.") from None
    if not isinstance(model, dict):
        raise DevError(
            f'The query model must be a JSON object such as `{{"city": "Oslo"}}`, not `{text.strip()}`.'
        )
    return model


@contextlib.contextmanager
def open_client(
    *,
    dev_dir: Path | None = None,
    executable: Path | None = None,
    settings: DatasourceSettings | None = None,
    plugin_id: str = "",
    timeout: float = 10.0,
) -> Iterator[PluginClient]:
    """Connect to the dev server serving `dev_dir`, or launch `executable` as Grafana does; stop it afterwards.

    Raises:
        DevError: no dev server runs there, or the executable does not start.
    """
    options = settings or DatasourceSettings()
    kwargs: dict[str, Any] = {"json_data": options.json_data, "secure_json_data": options.secure_json_data}
    if plugin_id:
        kwargs["plugin_id"] = plugin_id
    if executable is not None:
        from gpctl.launch import launch_plugin

        with launch_plugin(executable, timeout=timeout) as plugin:
            yield plugin.client(**kwargs)
        return
    if dev_dir is None:
        raise DevError(
            "Say where the plugin runs: `--dev` for the dev server or `--exe PATH` for an executable."
        )
    address = read_address(dev_dir)
    from gpctl.sdk.testing import PluginClient

    with PluginClient.connect(address, **kwargs) as client:
        yield client


def response_json(results: Mapping[str, Any]) -> dict[str, Any]:
    """Shape `PluginClient.query` results as Grafana's `/api/ds/query` response (refIds sorted)."""
    out: dict[str, Any] = {}
    for ref_id in sorted(results):
        result = results[ref_id]
        entry: dict[str, Any] = {}
        error = getattr(result, "error", None)
        if error:
            entry["error"] = str(error)
            source = getattr(result, "error_source", None)
            if source:
                entry["errorSource"] = str(source)
        status = getattr(result, "status", 0) or (200 if not error else 500)
        entry["status"] = int(status)
        frames = list(getattr(result, "frames", []) or [])
        if frames:
            entry["frames"] = [frame.to_dict() for frame in frames]
        out[ref_id] = entry
    return {"results": out}


def query_json(client: PluginClient, request: QueryRequest, *, now: datetime | None = None) -> dict[str, Any]:
    """Send one query and return the `/api/ds/query`-shaped response."""
    start, end = parse_time_range(request.time_from, request.time_to, now=now)
    time_range = (round(start.timestamp() * 1000), round(end.timestamp() * 1000))
    results = client.query(request.query_type, request.model, ref_id=request.ref_id, time_range=time_range)
    return response_json(results)


def health_json(client: PluginClient) -> dict[str, Any]:
    """Run CheckHealth; return `{"status": "OK"|"ERROR"|..., "message": ..., "details": ...}` as Grafana shows it."""
    result = client.check_health()
    status = getattr(result, "status", "")
    out: dict[str, Any] = {
        "status": str(getattr(status, "name", status)).upper(),
        "message": str(getattr(result, "message", "")),
    }
    details = getattr(result, "details", None)
    if details:
        out["details"] = details
    return out


def resource_json(
    client: PluginClient, path: str, *, method: str = "GET", body: bytes = b""
) -> dict[str, Any]:
    """Call a resource; return `{"status": ..., "headers": {...}, "body": <JSON or text>}`."""
    response = client.call_resource(method, path, body=body)
    raw = bytes(response.body)
    try:
        parsed: Any = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", errors="replace")
    headers = {
        str(k): (list(v) if isinstance(v, (list, tuple)) else [str(v)]) for k, v in response.headers.items()
    }
    return {"status": int(response.status), "headers": headers, "body": parsed}
