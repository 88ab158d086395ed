"""Interoperability with the real `gpg`: local signatures verify in gpg, gpg signatures verify in gpctl.

Cleartext signatures are where OpenPGP libraries disagree: trailing spaces and tabs must be stripped and line ends
canonicalised to CRLF before hashing. These tests put exactly that text in front of gpg and of gpctl.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpctl.errors import SignError
from gpctl.sign import SignatureState, build_manifest, sign_directory, verify

MakeDist = Callable[..., Path]

TRICKY_FILES = {
    "README.md": b"# Weather   \n\ntrailing tab\t\nCRLF line\r\n- dash line\nFrom the start\n",
    "notes.txt": b"no final newline  \t",
    "windows.txt": b"line one\r\nline two  \r\n\r\n",
}


@pytest.fixture(scope="session")
def gpg_key(gpg: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A throwaway Ed25519 key made by `gpg --quick-gen-key`, exported for pysequoia too."""
    result = gpg(
        "--passphrase",
        "",
        "--quick-gen-key",
        "Gpg Test Key <gpg@example.invalid>",
        "ed25519",
        "sign",
        "never",
    )
    assert result.returncode == 0, result.stderr
    listing = gpg("--with-colons", "--list-secret-keys", "gpg@example.invalid").stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    directory = tmp_path_factory.mktemp("gpg-export")
    secret = directory / "THROWAWAY-GPG-TEST-KEY.private.asc"
    public = directory / "gpg-test-key.public.asc"
    secret.write_text(
        gpg(
            "--armor", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", fingerprint
        ).stdout
    )
    public.write_text(gpg("--armor", "--export", fingerprint).stdout)
    return {"fingerprint": fingerprint, "secret": secret, "public": public}


def _import(gpg: Callable[..., Any], key: Path) -> None:
    result = gpg("--import", str(key))
    assert result.returncode == 0, result.stderr


def test_local_manifest_verifies_with_gpg(
    make_dist: MakeDist, test_key: Any, gpg: Callable[..., Any]
) -> None:
    dist = make_dist(TRICKY_FILES)
    manifest = sign_directory(dist, key=test_key.secret)
    _import(gpg, test_key.public)
    result = gpg("--verify", str(manifest))
    assert result.returncode == 0, result.stderr
    assert 'Good signature from "Example Org Test Key <test@example.invalid>"' in result.stderr
    assert "Hash: SHA512" in manifest.read_text()
    assert verify(dist, key=test_key.public).is_valid


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_whitespace_in_signed_text(
    make_dist: MakeDist,
    test_key: Any,
    gpg: Callable[..., Any],
    clearsign: Callable[..., bytes],
    line_end: str,
) -> None:
    """A manifest whose JSON lines end in spaces and tabs, signed by pysequoia: gpg and gpctl both accept it."""
    dist = make_dist(TRICKY_FILES)
    (dist / "MANIFEST.txt").write_bytes(
        clearsign(_padded_manifest(dist, test_key.key_id, line_end), test_key)
    )
    _import(gpg, test_key.public)
    result = gpg("--verify", str(dist / "MANIFEST.txt"))
    assert result.returncode == 0, result.stderr
    verdict = verify(dist, key=test_key.public)
    assert verdict.state is SignatureState.VALID, verdict.reasons


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_gpg_clearsigned_manifest_verifies_in_gpctl(
    make_dist: MakeDist, gpg: Callable[..., Any], gpg_key: dict[str, Any], tmp_path: Path, line_end: str
) -> None:
    dist = make_dist(TRICKY_FILES)
    plain = tmp_path / "manifest.json"
    plain.write_bytes(_padded_manifest(dist, gpg_key["fingerprint"][-16:].lower(), line_end).encode())
    result = gpg(
        "--pinentry-mode", "loopback", "--passphrase", "", "--digest-algo", "SHA512",
        "--local-user", gpg_key["fingerprint"], "--output", str(dist / "MANIFEST.txt"), "--clearsign", str(plain),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    verdict = verify(dist, key=gpg_key["public"])
    assert verdict.state is SignatureState.VALID, verdict.reasons
    tampered = (dist / "MANIFEST.txt").read_bytes().replace(b'"1.2.3"', b'"1.2.4"')
    (dist / "MANIFEST.txt").write_bytes(tampered)
    assert verify(dist, key=gpg_key["public"]).state is SignatureState.INVALID


def test_gpg_exported_secret_key_signs_in_gpctl(
    make_dist: MakeDist, gpg: Callable[..., Any], gpg_key: dict[str, Any]
) -> None:
    dist = make_dist(TRICKY_FILES)
    manifest = sign_directory(dist, key=gpg_key["secret"])
    result = gpg("--verify", str(manifest))
    assert result.returncode == 0, result.stderr
    assert "Good signature" in result.stderr
    assert verify(dist, key=gpg_key["public"]).is_valid


def _padded_manifest(dist: Path, key_id: str, line_end: str) -> str:
    """A valid v2 manifest for `dist` whose lines carry trailing spaces and tabs."""
    body = {
        "manifestVersion": "2.0.0",
        "signatureType": "private",
        "signedByOrg": "myorg",
        "signedByOrgName": "My Org",
        "rootUrls": ["http://localhost:3000/"],
        "plugin": "myorg-weather-datasource",
        "version": "1.2.3",
        "time": 1764000000000,
        "keyId": key_id,
        "files": build_manifest(dist)["files"],
    }
    lines = json.dumps(body, indent=2).splitlines()
    padded = [line + ("  \t" if i % 2 else " ") for i, line in enumerate(lines)]
    return line_end.join(padded) + line_end


def test_passphrase_protected_key_is_refused(
    make_dist: MakeDist, gpg: Callable[..., Any], tmp_path: Path
) -> None:
    result = gpg(
        "--pinentry-mode", "loopback", "--passphrase", "s3cret",
        "--quick-gen-key", "Protected Key <protected@example.invalid>", "ed25519", "sign", "never",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = gpg(
        "--armor", "--pinentry-mode", "loopback", "--passphrase", "s3cret",
        "--export-secret-keys", "protected@example.invalid",
    ).stdout  # fmt: skip
    key = tmp_path / "THROWAWAY-PROTECTED-TEST-KEY.private.asc"
    key.write_text(exported)
    dist = make_dist()
    with pytest.raises(SignError) as info:
        sign_directory(dist, key=key)
    assert str(info.value).startswith(f"Cannot sign with the key in `{key}`: ")
    assert info.value.hint == (
        "gpctl signs only with an unprotected signing key (a throwaway key for tests or private use)."
    )
    assert not (dist / "MANIFEST.txt").exists()
