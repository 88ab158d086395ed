"""Self-managed signing: sign the manifest locally with an OpenPGP key (cleartext, SHA-512, via pysequoia).

Stock Grafana trusts only grafana.com's key, so a locally signed plugin loads only where that check is replaced;
local signatures serve private distribution checks (`gpctl verify --key`), CI and tests.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gpctl.errors import SignError
from gpctl.sign._keys import load_secret_key

__all__ = ["sign_locally"]


def sign_locally(request: Mapping[str, Any], key: Path, *, now_ms: int | None = None) -> bytes:
    """Return a complete MANIFEST.txt for `request` (the sign API body), signed with the secret key in `key`.

    The JSON carries the fields grafana.com fills in: `manifestVersion` 2.0.0, `signatureType` (as requested, else
    `private` with root URLs and `community` without), `signedByOrg` (the plugin id's first segment),
    `signedByOrgName` (the key's first user id), `time` and `keyId` (the signing key's id).
    """
    from pysequoia import Sig, SignatureMode, sign

    tsk, signer = load_secret_key(key)
    try:
        key_id = Sig.from_bytes(sign(signer, b"gpctl", mode=SignatureMode.DETACHED)).issuer_key_id or ""
    except Exception as exc:
        raise SignError(f"Cannot sign with the key in `{key}`: {str(exc).splitlines()[0]}.") from None
    plugin_id = str(request["plugin"])
    org = plugin_id.split("-", 1)[0]
    root_urls = list(request.get("rootUrls", ()))
    signature_type = request.get("signatureType") or ("private" if root_urls else "community")
    body: dict[str, Any] = {
        "manifestVersion": "2.0.0",
        "signatureType": signature_type,
        "signedByOrg": org,
        "signedByOrgName": _owner_name(tsk) or org,
    }
    if root_urls:
        body["rootUrls"] = root_urls
    body.update(
        plugin=plugin_id,
        version=request["version"],
        time=int(time.time() * 1000) if now_ms is None else now_ms,
        keyId=key_id,
        files=dict(request["files"]),
    )
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    signed: bytes = sign(signer, text.encode(), mode=SignatureMode.CLEAR)
    return signed


def _owner_name(tsk: Any) -> str:
    user_ids = tsk.extract_certificate().user_ids
    if not user_ids:
        return ""
    name = str(user_ids[0])
    return name.split(" <", 1)[0].strip() if " <" in name else name.strip()
