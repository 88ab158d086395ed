"""Grafana's manifest-signing public key, and loading the OpenPGP keys given with `--key`.

The key below is public data, embedded as Grafana embeds it: it is the P-521 ECDSA key that grafana.com signs
every MANIFEST.txt with (key id `7e4d0c6a708866e7`, created 2020-04-13). Source: grafana/grafana,
`pkg/plugins/manager/signature/statickey/static_retriever.go` (Apache-2.0 / AGPL-3.0 project; the key itself is
published for verification).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gpctl.errors import SignError

__all__ = [
    "GRAFANA_KEY_ID",
    "GRAFANA_PUBLIC_KEY",
    "fetch_published_keys",
    "grafana_cert",
    "load_certs",
    "load_secret_key",
]

GRAFANA_KEY_ID = "7e4d0c6a708866e7"

GRAFANA_PUBLIC_KEY = """\
-----BEGIN PGP PUBLIC KEY BLOCK-----
Version: OpenPGP.js v4.10.1
Comment: https://openpgpjs.org

xpMEXpTXXxMFK4EEACMEIwQBiOUQhvGbDLvndE0fEXaR0908wXzPGFpf0P0Z
HJ06tsq+0higIYHp7WTNJVEZtcwoYLcPRGaa9OQqbUU63BEyZdgAkPTz3RFd
5+TkDWZizDcaVFhzbDd500yTwexrpIrdInwC/jrgs7Zy/15h8KA59XXUkdmT
YB6TR+OA9RKME+dCJozNGUdyYWZhbmEgPGVuZ0BncmFmYW5hLmNvbT7CvAQQ
EwoAIAUCXpTXXwYLCQcIAwIEFQgKAgQWAgEAAhkBAhsDAh4BAAoJEH5NDGpw
iGbnaWoCCQGQ3SQnCkRWrG6XrMkXOKfDTX2ow9fuoErN46BeKmLM4f1EkDZQ
Tpq3SE8+My8B5BIH3SOcBeKzi3S57JHGBdFA+wIJAYWMrJNIvw8GeXne+oUo
NzzACdvfqXAZEp/HFMQhCKfEoWGJE8d2YmwY2+3GufVRTI5lQnZOHLE8L/Vc
1S5MXESjzpcEXpTXXxIFK4EEACMEIwQBtHX/SD5Qm3v4V92qpaIZQgtTX0sT
cFPjYWAHqsQ1iENrYN/vg1wU3ADlYATvydOQYvkTyT/tbDvx2Fse8PL84MQA
YKKQ6AJ3gLVvmeouZdU03YoV4MYaT8KbnJUkZQZkqdz2riOlySNI9CG3oYmv
omjUAtzgAgnCcurfGLZkkMxlmY8DAQoJwqQEGBMKAAkFAl6U118CGwwACgkQ
fk0ManCIZuc0jAIJAVw2xdLr4ZQqPUhubrUyFcqlWoW8dQoQagwO8s8ubmby
KuLA9FWJkfuuRQr+O9gHkDVCez3aism7zmJBqIOi38aNAgjJ3bo6leSS2jR/
x5NqiKVi83tiXDPncDQYPymOnMhW0l7CVA7wj75HrFvvlRI/4MArlbsZ2tBn
N1c5v9v/4h6qeA==
=DNbR
-----END PGP PUBLIC KEY BLOCK-----
"""


def grafana_cert() -> Any:
    """Return Grafana's public key as a `pysequoia.Cert`."""
    from pysequoia import Cert

    return Cert.from_bytes(GRAFANA_PUBLIC_KEY.encode())


def load_certs(path: Path) -> list[Any]:
    """Read every OpenPGP certificate (public or secret key) in `path`.

    Raises:
        SignError: the file is missing or holds no OpenPGP key.
    """
    from pysequoia import Cert

    data = _read_key_file(path)
    try:
        certs = Cert.split_bytes(data)
    except Exception as exc:
        raise SignError(f"`{path}` is not an OpenPGP key: {_first_line(exc)}.") from None
    if not certs:
        raise SignError(f"`{path}` holds no OpenPGP key.")
    return list(certs)


def load_secret_key(path: Path) -> tuple[Any, Any]:
    """Read an unprotected OpenPGP secret key and return it as `(pysequoia Tsk, signer)`.

    Raises:
        SignError: the file is missing, holds no secret key, or the key is protected by a passphrase.
    """
    from pysequoia import Tsk

    data = _read_key_file(path)
    try:
        tsk = Tsk.from_bytes(data)
    except Exception as exc:
        raise SignError(
            f"`{path}` is not an OpenPGP secret key: {_first_line(exc)}.",
            hint="Export one with `gpg --armor --export-secret-keys KEYID > private.asc`.",
        ) from None
    try:
        return tsk, tsk.signer(None)
    except Exception as exc:
        raise SignError(
            f"Cannot sign with the key in `{path}`: {_first_line(exc)}.",
            hint="gpctl signs only with an unprotected signing key (a throwaway key for tests or private use).",
        ) from None


def _read_key_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SignError(f"Key file `{path}` does not exist.") from None
    except OSError as exc:
        raise SignError(f"Cannot read key file `{path}`: {exc.strerror}.") from None


def _first_line(exc: BaseException) -> str:
    """The first line of a pysequoia error (its messages carry a Rust backtrace after the first line)."""
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def fetch_published_keys(api_url: str) -> dict[str, str]:
    """Fetch grafana.com's manifest keys (`GET {api_url}/plugins/ci/keys`) as `{key id: armored public key}`.

    This is where Grafana looks keys up when its `pluginsAPIManifestKey` feature flag is on.

    Raises:
        SignError: the API is unreachable or answers something other than its key list.
    """
    import httpx

    url = api_url.rstrip("/") + "/plugins/ci/keys"
    try:
        response = httpx.get(url, timeout=30.0, trust_env=True)
        response.raise_for_status()
        items = response.json().get("items")
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise SignError(
            f"Cannot read grafana.com's signing keys from `{url}`: {detail.rstrip('.')}."
        ) from None
    keys: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        if (
            isinstance(item, dict)
            and isinstance(item.get("keyId"), str)
            and isinstance(item.get("public"), str)
        ):
            keys[item["keyId"].lower()] = item["public"]
    if not keys:
        raise SignError(f"`{url}` lists no signing keys.")
    return keys
