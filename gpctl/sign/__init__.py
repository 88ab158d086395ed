"""Sign plugin directories the way Grafana expects, and tell offline which signature state Grafana would assign.

- `sign_directory(dist, ...)` writes `dist/MANIFEST.txt`: through the grafana.com sign API (the default, as
  @grafana/sign-plugin does) or locally with an OpenPGP key (`key=`; stock Grafana trusts only grafana.com's key).
- `verify(path, ...)` returns a `Verdict`: `unsigned`, `invalid`, `modified` or `valid`, with reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from gpctl.errors import SignError
from gpctl.sign._api import DEFAULT_API_URL, SignEnv, request_signature
from gpctl.sign._files import MANIFEST_NAME, collect_files
from gpctl.sign._keys import GRAFANA_KEY_ID, GRAFANA_PUBLIC_KEY
from gpctl.sign._manifest import SIGNATURE_TYPES, manifest_request
from gpctl.sign._rooturl import is_valid_root_url
from gpctl.sign._verdict import SignatureState, Verdict
from gpctl.sign._verify import verify

__all__ = [
    "DEFAULT_API_URL",
    "GRAFANA_KEY_ID",
    "GRAFANA_PUBLIC_KEY",
    "MANIFEST_NAME",
    "SIGNATURE_TYPES",
    "SignEnv",
    "SignatureState",
    "Verdict",
    "build_manifest",
    "collect_files",
    "sign_directory",
    "verify",
]


def build_manifest(
    dist: Path, *, root_urls: Sequence[str] = (), signature_type: str | None = None
) -> dict[str, object]:
    """Return the unsigned manifest (the sign API's request body) for `dist`, without sending it anywhere.

    Raises:
        SignError: no plugin.json, a bad root URL or signature type, or a symbolic link leaving the directory.
    """
    dist = Path(dist)
    if not dist.is_dir():
        raise SignError(f"Directory `{dist}` does not exist; build the plugin first.")
    for url in root_urls:
        if not is_valid_root_url(url):
            raise SignError(
                f"Root URL `{url}` is not a valid URL; give it in full, such as `https://grafana.example.com/`."
            )
    if signature_type is not None and signature_type not in SIGNATURE_TYPES:
        choices = ", ".join(f"`{t}`" for t in SIGNATURE_TYPES)
        raise SignError(f"Signature type `{signature_type}` is not one of {choices}.")
    return manifest_request(
        dist,
        root_urls=root_urls,
        signature_type=signature_type,
        create_plugin_version=_create_plugin_version(dist),
    )


def sign_directory(
    dist: Path,
    *,
    key: Path | None = None,
    root_urls: Sequence[str] = (),
    signature_type: str | None = None,
    token: str | None = None,
    api_url: str | None = None,
) -> Path:
    """Sign the plugin in `dist` and write `dist/MANIFEST.txt`; return its path.

    Sign after everything else (build, permissions), right before zipping: any later change makes the plugin
    `modified`. For per-architecture packages, sign each staging directory separately.

    Args:
        dist: the built plugin directory (holding plugin.json).
        key: sign locally with this unprotected OpenPGP secret key instead of calling grafana.com.
        root_urls: Grafana URLs a private signature is valid for.
        signature_type: `grafana`, `commercial`, `community`, `private` or `private-glob`; the server decides
            when omitted.
        token: grafana.com access policy token; default `GRAFANA_ACCESS_POLICY_TOKEN` (or the deprecated
            `GRAFANA_API_KEY`, with a `FutureWarning`).
        api_url: grafana.com API base; default `GRAFANA_COM_URL` or `https://grafana.com/api`.

    Raises:
        SignError: the manifest cannot be built, the key cannot sign, or the sign API refuses.
    """
    dist = Path(dist)
    body = build_manifest(dist, root_urls=root_urls, signature_type=signature_type)
    if key is not None:
        from gpctl.sign._local import sign_locally

        signed = sign_locally(body, Path(key))
    else:
        signed = request_signature(body, token=token, api_url=api_url)
    target = dist / MANIFEST_NAME
    try:
        target.write_bytes(signed)
    except OSError as exc:
        raise SignError(f"Cannot write `{target}`: {exc.strerror}.") from None
    return target


def _create_plugin_version(dist: Path) -> str | None:
    """The create-plugin version from `.config/.cprc.json` (current directory first, then next to `dist`)."""
    for base in (Path.cwd(), dist.resolve().parent):
        try:
            data = json.loads((base / ".config" / ".cprc.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        version = data.get("version") if isinstance(data, dict) else None
        if isinstance(version, str) and version:
            return version
    return None
