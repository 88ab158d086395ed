"""CollectMetrics: the Prometheus text of `prometheus_client`'s default registry, plus the SDK's request counter
`grafana_plugin_request_total{endpoint,status,status_source}` named like the Go SDK's.

Requests are counted in a plain dictionary; `prometheus_client` (and the http.server, email and wsgiref modules it
pulls in, ~5 MiB of memory) is imported only when the host asks for metrics, and the counter is brought up to date
then. A plugin that never serves metrics never loads it.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["RequestMetrics"]

_Key = tuple[str, str, str]


class RequestMetrics:
    """Count requests per endpoint (`queryData`, `checkHealth`, ...), status (`ok`/`error`/`cancelled`) and source."""

    # One set per process: prometheus_client's registry refuses a second registration of the counter.
    _lock = threading.Lock()
    _counts: dict[_Key, int] = {}
    _exported: dict[_Key, int] = {}
    _counter: Any = None

    def count(self, endpoint: str, status: str = "ok", source: str = "plugin") -> None:
        key = (endpoint, status, source)
        with RequestMetrics._lock:
            RequestMetrics._counts[key] = RequestMetrics._counts.get(key, 0) + 1

    def text(self) -> bytes:
        """The default registry in the Prometheus text exposition format, with the request counter up to date."""
        from prometheus_client import REGISTRY, Counter, generate_latest

        with RequestMetrics._lock:
            if RequestMetrics._counter is None:
                RequestMetrics._counter = Counter(
                    "grafana_plugin_request",
                    "The total amount of plugin requests",
                    ["endpoint", "status", "status_source"],
                )
            for key, total in RequestMetrics._counts.items():
                delta = total - RequestMetrics._exported.get(key, 0)
                if delta:
                    RequestMetrics._counter.labels(*key).inc(delta)
                    RequestMetrics._exported[key] = total
        return bytes(generate_latest(REGISTRY))
