"""The grafana.com sign API: POST the manifest, get MANIFEST.txt back (as @grafana/sign-plugin does)."""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Mapping
from typing import Any

from gpctl.errors import SignError

__all__ = ["DEFAULT_API_URL", "SignEnv", "api_url_from_env", "request_signature", "token_from_env"]

DEFAULT_API_URL = "https://grafana.com/api"
_TIMEOUT = 60.0
_MAX_ERROR = 300


class SignEnv:
    """Environment variables the signer reads (the same names as @grafana/sign-plugin)."""

    TOKEN = "GRAFANA_ACCESS_POLICY_TOKEN"
    """Access policy token with the `plugins:write` scope, realm = the plugin's org."""
    API_KEY = "GRAFANA_API_KEY"
    """Deprecated predecessor of `GRAFANA_ACCESS_POLICY_TOKEN`; used when the token is unset, with a warning."""
    API_URL = "GRAFANA_COM_URL"
    """Base URL of the grafana.com API; default `https://grafana.com/api`."""


def token_from_env() -> tuple[str, str]:
    """Return `(token, variable name)`, preferring `GRAFANA_ACCESS_POLICY_TOKEN` over `GRAFANA_API_KEY`.

    Raises:
        SignError: neither variable is set.
    """
    for name in (SignEnv.TOKEN, SignEnv.API_KEY):
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    raise SignError(
        f"`{SignEnv.TOKEN}` is not set; signing through grafana.com needs an access policy token.",
        hint="Create one with the `plugins:write` scope: "
        "https://grafana.com/developers/plugin-tools/publish-a-plugin/sign-a-plugin",
    )


def api_url_from_env() -> str:
    """Return `GRAFANA_COM_URL`, or grafana.com's API when it is unset."""
    return os.environ.get(SignEnv.API_URL, "").strip() or DEFAULT_API_URL


def request_signature(
    body: Mapping[str, Any], *, token: str | None = None, api_url: str | None = None
) -> bytes:
    """POST `body` to `{api_url}/plugins/ci/sign` and return the signed MANIFEST.txt bytes, untouched.

    Proxies come from `HTTP(S)_PROXY` / `NO_PROXY`. The token is sent only in the `Authorization` header and never
    appears in an error message.

    Raises:
        SignError: no token, the server is unreachable, or it answers anything but 200 with a signed manifest.
    """
    import httpx

    if token is None:
        token, name = token_from_env()
        if name == SignEnv.API_KEY:
            warnings.warn(
                f"`{SignEnv.API_KEY}` is deprecated; use `{SignEnv.TOKEN}` instead.",
                FutureWarning,
                stacklevel=3,
            )
    url = (api_url or api_url_from_env()).rstrip("/") + "/plugins/ci/sign"
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        response = httpx.post(url, content=content, headers=headers, timeout=_TIMEOUT, trust_env=True)
    except httpx.HTTPError as exc:
        detail = _redact(str(exc) or type(exc).__name__, token)
        raise SignError(f"Cannot reach the sign API at `{url}`: {_one_line(detail)}.") from None
    if response.status_code != 200:
        detail = _redact(_server_error(response.content), token)
        raise SignError(f"The sign API answered HTTP {response.status_code}: {detail}")
    if b"-----BEGIN PGP SIGNED MESSAGE-----" not in response.content:
        raise SignError(
            f"The sign API at `{url}` answered 200 but not with a signed manifest; MANIFEST.txt was not written."
        )
    return response.content


def _server_error(raw: bytes) -> str:
    """Flatten an error body to one line: a JSON object becomes `key: value, ...` (as sign-plugin prints it)."""
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        if text.lstrip().startswith("<"):
            text = re.sub(r"<[^>]*>", " ", text)
        detail = _one_line(text) or "(empty body)"
    else:
        if isinstance(parsed, dict):
            detail = ", ".join(
                f"{key}: {value if isinstance(value, str) else json.dumps(value)}"
                for key, value in parsed.items()
            )
        else:
            detail = str(parsed)
        detail = _one_line(detail)
    if len(detail) > _MAX_ERROR:
        detail = detail[: _MAX_ERROR - 1] + "…"
    return detail if detail.endswith(".") else detail + "."


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
