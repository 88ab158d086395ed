"""CollectMetrics: the Prometheus text of `prometheus_client`'s default registry, plus the SDK's request counter
`grafana_plugin_request_total{endpoint,status,status_source}` named like the Go SDK's.

`prometheus_client` is imported on first use, never before the handshake.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RequestMetrics"]


class RequestMetrics:
    """Count requests per endpoint (`queryData`, `checkHealth`, ...), status (`ok`/`error`/`cancelled`) and source."""

    _counter: Any = None  # one per process: prometheus_client's registry refuses a second registration
    _children: dict[tuple[str, str, str], Any] = {}  # labelled counters, per process like _counter

    @classmethod
    def _get(cls) -> Any:
        if RequestMetrics._counter is None:
            from prometheus_client import Counter

            RequestMetrics._counter = Counter(
                "grafana_plugin_request",
                "The total amount of plugin requests",
                ["endpoint", "status", "status_source"],
            )
        return RequestMetrics._counter

    def count(self, endpoint: str, status: str = "ok", source: str = "plugin") -> None:
        key = (endpoint, status, source)
        child = RequestMetrics._children.get(key)
        if child is None:
            child = RequestMetrics._children[key] = self._get().labels(endpoint, status, source)
        child.inc()

    def text(self) -> bytes:
        """The default registry in the Prometheus text exposition format."""
        from prometheus_client import REGISTRY, generate_latest

        self._get()
        return bytes(generate_latest(REGISTRY))
