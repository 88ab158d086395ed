"""Typed access to the `grafanaConfig` map Grafana sends with every request (`PluginContext.grafana_config`).

Mirrors the Go SDK's `backend.GrafanaCfg`: the raw map stays available (`config["GF_APP_URL"]`, `config.get(...)`)
and the well-known keys have typed accessors. Missing keys give `None` (or an empty value) instead of errors;
`app_url` and `plugin_app_client_secret` fall back to the process environment like Go.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from gpctl.sdk._context import _StrMapping

__all__ = ["GrafanaConfig", "ProxyConfig", "SqlConfig"]

APP_URL = "GF_APP_URL"
CONCURRENT_QUERY_COUNT = "GF_CONCURRENT_QUERY_COUNT"
FEATURE_TOGGLES = "GF_INSTANCE_FEATURE_TOGGLES_ENABLE"
USER_FACING_DEFAULT_ERROR = "GF_USER_FACING_DEFAULT_ERROR"
SQL_ROW_LIMIT = "GF_SQL_ROW_LIMIT"
SQL_MAX_OPEN_CONNS = "GF_SQL_MAX_OPEN_CONNS_DEFAULT"
SQL_MAX_IDLE_CONNS = "GF_SQL_MAX_IDLE_CONNS_DEFAULT"
SQL_MAX_CONN_LIFETIME = "GF_SQL_MAX_CONN_LIFETIME_SECONDS_DEFAULT"
RESPONSE_LIMIT = "GF_RESPONSE_LIMIT"
APP_CLIENT_SECRET = "GF_PLUGIN_APP_CLIENT_SECRET"
LIVE_CLIENT_QUEUE_MAX_SIZE = "GF_LIVE_CLIENT_QUEUE_MAX_SIZE"
_PROXY = "GF_SECURE_SOCKS_DATASOURCE_PROXY_"


@dataclass(frozen=True)
class ProxyConfig:
    """Grafana's secure SOCKS proxy (PDC) settings; key material is never shown in `repr`."""

    enabled: bool
    proxy_address: str
    server_name: str
    allow_insecure: bool
    client_cert: str
    client_key: str
    root_ca_certs: tuple[str, ...]
    client_cert_value: str = ""
    client_key_value: str = ""
    root_ca_cert_values: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"ProxyConfig(enabled={self.enabled}, proxy_address={self.proxy_address!r}, "
            f"server_name={self.server_name!r}, allow_insecure={self.allow_insecure})"
        )


@dataclass(frozen=True)
class SqlConfig:
    """Defaults Grafana suggests for SQL datasources."""

    row_limit: int | None
    max_open_conns: int | None
    max_idle_conns: int | None
    max_conn_lifetime_s: int | None


class GrafanaConfig(_StrMapping):
    """The `grafanaConfig` of a request: a read-only mapping with typed accessors.

    Example:
        >>> cfg = GrafanaConfig({"GF_APP_URL": "https://grafana.example", "GF_CONCURRENT_QUERY_COUNT": "4"})
        >>> cfg.app_url, cfg.concurrent_query_count
        ('https://grafana.example', 4)
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GrafanaConfig):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items())))

    def __repr__(self) -> str:
        return f"GrafanaConfig(keys={sorted(self._data)!r})"

    def _int(self, key: str) -> int | None:
        raw = self._data.get(key, "").strip()
        try:
            return int(raw) if raw else None
        except ValueError:
            return None

    def _bool(self, key: str) -> bool:
        return self._data.get(key, "").strip().lower() == "true"

    @property
    def app_url(self) -> str | None:
        """Grafana's public URL (`GF_APP_URL`), from the request or else the environment."""
        return self._data.get(APP_URL) or os.environ.get(APP_URL) or None

    @property
    def feature_toggles(self) -> frozenset[str]:
        """Enabled feature toggles."""
        raw = self._data.get(FEATURE_TOGGLES, "")
        return frozenset(t.strip() for t in raw.split(",") if t.strip())

    def is_feature_enabled(self, name: str) -> bool:
        """Whether Grafana runs with feature toggle `name` on."""
        return name in self.feature_toggles

    @property
    def concurrent_query_count(self) -> int | None:
        """Grafana's advice for per-request query parallelism (`GF_CONCURRENT_QUERY_COUNT`)."""
        return self._int(CONCURRENT_QUERY_COUNT)

    @property
    def user_facing_default_error(self) -> str | None:
        return self._data.get(USER_FACING_DEFAULT_ERROR) or None

    @property
    def response_limit(self) -> int | None:
        """Maximum bytes of a downstream HTTP response (`GF_RESPONSE_LIMIT`), when set."""
        value = self._int(RESPONSE_LIMIT)
        return value if value and value > 0 else None

    @property
    def live_client_queue_max_size(self) -> int | None:
        return self._int(LIVE_CLIENT_QUEUE_MAX_SIZE)

    @property
    def plugin_app_client_secret(self) -> str | None:
        """The service-account token of an app with `iam` in plugin.json, from the request or the environment."""
        return self._data.get(APP_CLIENT_SECRET) or os.environ.get(APP_CLIENT_SECRET) or None

    @property
    def sql(self) -> SqlConfig:
        return SqlConfig(
            row_limit=self._int(SQL_ROW_LIMIT),
            max_open_conns=self._int(SQL_MAX_OPEN_CONNS),
            max_idle_conns=self._int(SQL_MAX_IDLE_CONNS),
            max_conn_lifetime_s=self._int(SQL_MAX_CONN_LIFETIME),
        )

    @property
    def proxy(self) -> ProxyConfig:
        """The secure SOCKS proxy settings (`enabled` is False when Grafana has none)."""
        get = self._data.get
        return ProxyConfig(
            enabled=self._bool(_PROXY + "SERVER_ENABLED"),
            proxy_address=get(_PROXY + "PROXY_ADDRESS", ""),
            server_name=get(_PROXY + "SERVER_NAME", ""),
            allow_insecure=self._bool(_PROXY + "ALLOW_INSECURE"),
            client_cert=get(_PROXY + "CLIENT_CERT", ""),
            client_key=get(_PROXY + "CLIENT_KEY", ""),
            root_ca_certs=tuple(get(_PROXY + "ROOT_CA_CERT", "").split()),
            client_cert_value=get(_PROXY + "CLIENT_CERT_VAL", ""),
            client_key_value=get(_PROXY + "CLIENT_KEY_VAL", ""),
            root_ca_cert_values=tuple(v for v in get(_PROXY + "ROOT_CA_CERT_VALS", "").split(",") if v),
        )
