"""GrafanaConfig: typed accessors over the request's grafanaConfig map."""

from __future__ import annotations

import pytest

from gpctl.sdk._grafana_config import GrafanaConfig, SqlConfig


def test_typed_accessors() -> None:
    cfg = GrafanaConfig(
        {
            "GF_APP_URL": "https://grafana.example/",
            "GF_CONCURRENT_QUERY_COUNT": "4",
            "GF_INSTANCE_FEATURE_TOGGLES_ENABLE": "a,ttlPluginInstanceManager, b",
            "GF_SQL_ROW_LIMIT": "1000",
            "GF_SQL_MAX_OPEN_CONNS_DEFAULT": "100",
            "GF_SQL_MAX_IDLE_CONNS_DEFAULT": "bad",
            "GF_RESPONSE_LIMIT": "0",
            "GF_USER_FACING_DEFAULT_ERROR": "Please contact support.",
        }
    )
    assert cfg.app_url == "https://grafana.example/"
    assert cfg.concurrent_query_count == 4
    assert cfg.feature_toggles == frozenset({"a", "b", "ttlPluginInstanceManager"})
    assert cfg.is_feature_enabled("b") and not cfg.is_feature_enabled("c")
    assert cfg.sql == SqlConfig(
        row_limit=1000, max_open_conns=100, max_idle_conns=None, max_conn_lifetime_s=None
    )
    assert cfg.response_limit is None
    assert cfg.user_facing_default_error == "Please contact support."
    assert cfg["GF_APP_URL"] == "https://grafana.example/"
    assert len(cfg) == 8 and cfg == dict(cfg)


def test_missing_values_and_env_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GF_APP_URL", raising=False)
    monkeypatch.setenv("GF_PLUGIN_APP_CLIENT_SECRET", "from-env")
    cfg = GrafanaConfig()
    assert cfg.app_url is None
    assert cfg.concurrent_query_count is None
    assert cfg.plugin_app_client_secret == "from-env"
    assert cfg.proxy.enabled is False
    monkeypatch.setenv("GF_APP_URL", "http://localhost:3000")
    assert cfg.app_url == "http://localhost:3000"


def test_proxy_settings_hide_key_material() -> None:
    cfg = GrafanaConfig(
        {
            "GF_SECURE_SOCKS_DATASOURCE_PROXY_SERVER_ENABLED": "true",
            "GF_SECURE_SOCKS_DATASOURCE_PROXY_PROXY_ADDRESS": "proxy:8080",
            "GF_SECURE_SOCKS_DATASOURCE_PROXY_CLIENT_KEY_VAL": "SECRET-KEY",
            "GF_SECURE_SOCKS_DATASOURCE_PROXY_ROOT_CA_CERT": "/a.pem /b.pem",
        }
    )
    proxy = cfg.proxy
    assert proxy.enabled and proxy.proxy_address == "proxy:8080"
    assert proxy.root_ca_certs == ("/a.pem", "/b.pem")
    assert proxy.client_key_value == "SECRET-KEY"
    assert "SECRET" not in repr(proxy)
    assert "SECRET" not in repr(cfg)
