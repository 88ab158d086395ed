"""The edit loop: `gpctl dev` (serve a project's plugin, reload it on every save) and `gpctl query` (talk to it).

    server = DevServer(Project.find(), on_event=print)
    server.run()        # until server.stop() from another thread, or Ctrl-C

    with open_client(dev_dir=project.dist_dir) as client:
        response = query_json(client, QueryRequest({"city": "Oslo"}))   # /api/ds/query-shaped JSON

Library code only: it reports through callbacks, return values and `GpctlError`s, and never prints.
"""

from __future__ import annotations

from gpctl.dev._files import DevFiles, address_env_var, choose_address, executable_name, read_address
from gpctl.dev._query import (
    DatasourceSettings,
    QueryRequest,
    health_json,
    load_settings,
    merge_settings,
    open_client,
    parse_model,
    query_json,
    resource_json,
    response_json,
)
from gpctl.dev._render import format_log_line, format_status, render_response, sparkline
from gpctl.dev._server import DevEvent, DevServer, DevStatus
from gpctl.dev._timerange import parse_time, parse_time_range
from gpctl.dev._watch import DEFAULT_EXCLUDES, DEFAULT_INCLUDES, IGNORED_DIRS, WatchSpec

__all__ = [
    "DEFAULT_EXCLUDES",
    "DEFAULT_INCLUDES",
    "IGNORED_DIRS",
    "DatasourceSettings",
    "DevEvent",
    "DevFiles",
    "DevServer",
    "DevStatus",
    "QueryRequest",
    "WatchSpec",
    "address_env_var",
    "choose_address",
    "executable_name",
    "format_log_line",
    "format_status",
    "health_json",
    "load_settings",
    "merge_settings",
    "open_client",
    "parse_model",
    "parse_time",
    "parse_time_range",
    "query_json",
    "read_address",
    "render_response",
    "resource_json",
    "response_json",
    "sparkline",
]
