"""Signing through the sign API, against a local HTTP server standing in for grafana.com."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpctl.errors import SignError
from gpctl.sign import sign_directory

MakeDist = Callable[..., Path]
TOKEN = "glc_secret-token-value"
SERVER_MANIFEST = (
    b'\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA512\n\n{\n  "plugin": "x"  \t\n}\n'
    b"-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"
)


def test_request_body_and_headers(make_dist: MakeDist, sign_server: Any) -> None:
    dist = make_dist({"sub/dir/file.txt": b"hello\n", ".hidden": b""})
    sign_server.body = SERVER_MANIFEST
    sign_directory(dist, token=TOKEN, api_url=sign_server.url)
    (request,) = sign_server.requests
    assert (request.method, request.path) == ("POST", "/api/plugins/ci/sign")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert list(body) == ["plugin", "version", "files"]
    assert (body["plugin"], body["version"]) == ("myorg-weather-datasource", "1.2.3")
    assert body["files"] == {
        ".hidden": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "gpx_weather_linux_amd64": hashlib.sha256(b"\x7fELF\x00binary").hexdigest(),
        "img/logo.svg": hashlib.sha256(b"<svg/>\n").hexdigest(),
        "module.js": hashlib.sha256((dist / "module.js").read_bytes()).hexdigest(),
        "plugin.json": hashlib.sha256((dist / "plugin.json").read_bytes()).hexdigest(),
        "sub/dir/file.txt": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
    }
    assert b" " not in request.body.split(b'"files"')[0]  # compact JSON, like JSON.stringify


def test_private_signature_request(make_dist: MakeDist, sign_server: Any) -> None:
    sign_server.body = SERVER_MANIFEST
    sign_directory(
        make_dist(),
        token=TOKEN,
        api_url=sign_server.url,
        root_urls=["https://grafana.example.com/", "http://localhost:3000/"],
        signature_type="private",
    )
    body = json.loads(sign_server.requests[0].body)
    assert list(body) == ["plugin", "version", "files", "signatureType", "rootUrls"]
    assert body["signatureType"] == "private"
    assert body["rootUrls"] == ["https://grafana.example.com/", "http://localhost:3000/"]


def test_create_plugin_version_is_sent(
    make_dist: MakeDist, sign_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / ".cprc.json").write_text('{"version": "7.10.0"}')
    monkeypatch.chdir(tmp_path)
    sign_server.body = SERVER_MANIFEST
    sign_directory(make_dist(), token=TOKEN, api_url=sign_server.url)
    assert json.loads(sign_server.requests[0].body)["createPlugin"] == {"version": "7.10.0"}


def test_response_written_byte_for_byte(make_dist: MakeDist, sign_server: Any) -> None:
    dist = make_dist()
    sign_server.body = SERVER_MANIFEST
    path = sign_directory(dist, token=TOKEN, api_url=sign_server.url)
    assert path == dist / "MANIFEST.txt"
    assert path.read_bytes() == SERVER_MANIFEST


def test_existing_manifest_is_not_signed_again(make_dist: MakeDist, sign_server: Any) -> None:
    dist = make_dist({"MANIFEST.txt": b"old", "nested/MANIFEST.txt": b"kept"})
    sign_server.body = SERVER_MANIFEST
    sign_directory(dist, token=TOKEN, api_url=sign_server.url)
    files = json.loads(sign_server.requests[0].body)["files"]
    assert "MANIFEST.txt" not in files
    assert "nested/MANIFEST.txt" in files


def test_env_token_and_url(make_dist: MakeDist, sign_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAFANA_ACCESS_POLICY_TOKEN", TOKEN)
    monkeypatch.setenv("GRAFANA_API_KEY", "legacy")
    monkeypatch.setenv("GRAFANA_COM_URL", sign_server.url)
    sign_server.body = SERVER_MANIFEST
    sign_directory(make_dist())
    assert sign_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_deprecated_api_key_warns(
    make_dist: MakeDist, sign_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRAFANA_ACCESS_POLICY_TOKEN", raising=False)
    monkeypatch.setenv("GRAFANA_API_KEY", "legacy-key")
    sign_server.body = SERVER_MANIFEST
    with pytest.warns(
        FutureWarning, match="`GRAFANA_API_KEY` is deprecated; use `GRAFANA_ACCESS_POLICY_TOKEN`"
    ):
        sign_directory(make_dist(), api_url=sign_server.url)
    assert sign_server.requests[0].headers["authorization"] == "Bearer legacy-key"


def test_no_token(make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAFANA_ACCESS_POLICY_TOKEN", raising=False)
    monkeypatch.delenv("GRAFANA_API_KEY", raising=False)
    dist = make_dist()
    with pytest.raises(SignError) as info:
        sign_directory(dist)
    assert str(info.value) == (
        "`GRAFANA_ACCESS_POLICY_TOKEN` is not set; signing through grafana.com needs an access policy token."
    )
    assert not (dist / "MANIFEST.txt").exists()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            400,
            b'{"message": "Field is required: `rootUrls`", "code": 400}',
            "The sign API answered HTTP 400: message: Field is required: `rootUrls`, code: 400.",
        ),
        (401, b'"Unauthorized"', "The sign API answered HTTP 401: Unauthorized."),
        (
            502,
            b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n</body></html>\n",
            "The sign API answered HTTP 502: 502 Bad Gateway 502 Bad Gateway.",
        ),
        (500, b"", "The sign API answered HTTP 500: (empty body)."),
        (
            403,
            b'{"message": "token glc_secret-token-value has no access"}',
            "The sign API answered HTTP 403: message: token *** has no access.",
        ),
    ],
)
def test_server_errors_become_one_line(
    make_dist: MakeDist, sign_server: Any, status: int, body: bytes, message: str
) -> None:
    dist = make_dist()
    sign_server.status, sign_server.body = status, body
    with pytest.raises(SignError) as info:
        sign_directory(dist, token=TOKEN, api_url=sign_server.url)
    assert str(info.value) == message
    assert "\n" not in str(info.value)
    assert not (dist / "MANIFEST.txt").exists()


def test_ok_without_a_manifest_is_refused(make_dist: MakeDist, sign_server: Any) -> None:
    dist = make_dist()
    sign_server.body = b"<html>login</html>"
    with pytest.raises(SignError) as info:
        sign_directory(dist, token=TOKEN, api_url=sign_server.url)
    assert str(info.value) == (
        f"The sign API at `{sign_server.url}/plugins/ci/sign` answered 200 but not with a signed manifest; "
        "MANIFEST.txt was not written."
    )
    assert not (dist / "MANIFEST.txt").exists()


def test_unreachable_server(make_dist: MakeDist, sign_server: Any) -> None:
    url = "http://127.0.0.1:9/api"  # the discard port: nothing listens there
    with pytest.raises(SignError) as info:
        sign_directory(make_dist(), token=TOKEN, api_url=url)
    assert str(info.value).startswith(
        "Cannot reach the sign API at `http://127.0.0.1:9/api/plugins/ci/sign`: "
    )
    assert TOKEN not in str(info.value)


def test_token_never_logged(
    make_dist: MakeDist, sign_server: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_server.body = SERVER_MANIFEST
    sign_directory(make_dist(), token=TOKEN, api_url=sign_server.url)
    sign_server.status, sign_server.body = 401, b'{"message": "bad token"}'
    with pytest.raises(SignError):
        sign_directory(make_dist(name="dist2"), token=TOKEN, api_url=sign_server.url)
    captured = capfd.readouterr()
    assert TOKEN not in caplog.text + captured.out + captured.err


def test_proxy_from_environment(
    make_dist: MakeDist, sign_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY is honoured: the request goes to the proxy with the absolute URL as its target."""
    monkeypatch.setenv("HTTP_PROXY", sign_server.url.rsplit("/api", 1)[0])
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    sign_server.body = SERVER_MANIFEST
    sign_directory(make_dist(), token=TOKEN, api_url="http://grafana-com.invalid/api")
    assert sign_server.requests[0].path == "http://grafana-com.invalid/api/plugins/ci/sign"
