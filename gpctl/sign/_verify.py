"""`verify`: the signature state Grafana would assign to a plugin directory or zip, and why.

Checks run in the order of Grafana's `pkg/plugins/manager/signature/manifest.go`: MANIFEST.txt presence and
size, cleartext decoding, JSON and required fields, the OpenPGP signature, manifest version 2, plugin id and
version against plugin.json, `rootUrls` against Grafana's `root_url`, then the files listed (missing or changed)
and the files on disk (extra).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gpctl.errors import SignError
from gpctl.sign._archive import unpacked_zip
from gpctl.sign._cleartext import decode_cleartext
from gpctl.sign._files import MANIFEST_NAME, collect_files, sha256_file
from gpctl.sign._keys import GRAFANA_KEY_ID, fetch_published_keys, grafana_cert, load_certs
from gpctl.sign._manifest import SIGNATURE_TYPES, ManifestFields, parse_manifest, plugin_identity
from gpctl.sign._rooturl import normalize_root_url, root_url_matches
from gpctl.sign._verdict import SignatureState, Verdict

__all__ = ["verify"]

_UNSIGNED, _INVALID, _MODIFIED, _VALID = (
    SignatureState.UNSIGNED,
    SignatureState.INVALID,
    SignatureState.MODIFIED,
    SignatureState.VALID,
)


def verify(
    path: Path, *, key: Path | None = None, root_url: str | None = None, keys_api: str | None = None
) -> Verdict:
    """Tell which signature state Grafana would give the plugin at `path` (a directory or a `.zip`).

    Args:
        path: the plugin directory (holding plugin.json), or a plugin zip (plugin.json at the top or in its one
            top-level directory).
        key: verify against the OpenPGP key(s) in this file instead of Grafana's key.
        root_url: Grafana's `root_url`, checked against a private signature's `rootUrls`; without it the check is
            skipped and a note says so.
        keys_api: look the manifest's `keyId` up in grafana.com's published keys at this API base (such as
            `https://grafana.com/api`), as Grafana does with its `pluginsAPIManifestKey` feature flag, instead of
            using the embedded key.

    Raises:
        SignError: the path does not exist or holds no plugin, or the key, the keys API or the zip cannot be read.
    """
    path = Path(path)
    if not path.exists():
        raise SignError(f"`{path}` does not exist.")
    if path.is_file():
        with unpacked_zip(path) as root:
            return _verify_dir(_plugin_root(root, path), _Trust(key, keys_api), root_url)
    return _verify_dir(_plugin_root(path, path), _Trust(key, keys_api), root_url)


def _plugin_root(directory: Path, shown: Path) -> Path:
    if (directory / "plugin.json").is_file():
        return directory
    children = [child for child in directory.iterdir() if child.name != "__MACOSX"]
    if len(children) == 1 and (children[0] / "plugin.json").is_file():
        return children[0]
    raise SignError(
        f"No `plugin.json` in `{shown}`; pass a plugin directory (such as `dist`) or a plugin zip."
    )


class _Trust:
    """The keys a manifest signature may come from: a `--key` file, grafana.com's keys API, or the embedded key."""

    def __init__(self, key: Path | None, keys_api: str | None) -> None:
        self.key = key
        self.keys_api = keys_api if key is None else None
        self.certs: list[Any] = load_certs(key) if key is not None else []

    def certs_for(self, key_id: str) -> tuple[list[Any], str] | str:
        """Return `(certificates, description)` for the manifest's `keyId`, or a reason why there are none."""
        if self.key is not None:
            return self.certs, f"the key in `{self.key}`"
        if self.keys_api is not None:
            from pysequoia import Cert

            published = fetch_published_keys(self.keys_api)
            armored = published.get(key_id.lower())
            if armored is None:
                listed = ", ".join(f"`{k}`" for k in sorted(published))
                return f"The manifest names key `{key_id}`, which grafana.com does not publish (it lists {listed})."
            return [Cert.from_bytes(armored.encode())], f"grafana.com's key `{key_id.lower()}`"
        if key_id.lower() != GRAFANA_KEY_ID:
            return f"The manifest names key `{key_id}`, but Grafana's signing key is `{GRAFANA_KEY_ID}`."
        return [grafana_cert()], f"Grafana's key `{GRAFANA_KEY_ID}`"


def _verify_dir(root: Path, trust: _Trust, root_url: str | None) -> Verdict:
    plugin_id, version = plugin_identity(root)
    base: dict[str, Any] = {"plugin_id": plugin_id, "version": version}
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.exists():
        return Verdict(_UNSIGNED, ("There is no MANIFEST.txt; the plugin is unsigned.",), **base)
    try:
        raw = manifest_path.read_bytes()
    except OSError as exc:
        return Verdict(_INVALID, (f"MANIFEST.txt cannot be read: {exc.strerror}.",), **base)
    if len(raw) < 10:
        return Verdict(
            _UNSIGNED, (f"MANIFEST.txt is only {len(raw)} bytes long; Grafana treats it as absent.",), **base
        )
    block = decode_cleartext(raw)
    if block is None:
        return Verdict(_INVALID, ("MANIFEST.txt is not an OpenPGP cleartext-signed message.",), **base)
    try:
        fields = parse_manifest(block.plaintext)
    except ValueError as exc:
        return Verdict(_INVALID, (f"MANIFEST.txt cannot be parsed: {exc}.",), **base)
    base.update(_manifest_info(fields))
    problem = _field_problem(fields) or _signature_problem(block.signed, block.signature, fields, trust)
    if problem:
        return Verdict(_INVALID, (problem,), **base)
    if not fields.is_v2:
        shown = f"`{fields.manifest_version}`" if fields.manifest_version else "missing"
        reason = f"The manifest version is {shown}; Grafana accepts only version 2 manifests, so sign again."
        return Verdict(_INVALID, (reason,), **base)
    return _check_contents(root, fields, plugin_id, version, root_url, base)


def _manifest_info(fields: ManifestFields) -> dict[str, Any]:
    return {
        "signature_type": fields.signature_type,
        "signed_by_org": fields.signed_by_org,
        "signed_by_org_name": fields.signed_by_org_name,
        "key_id": fields.key_id,
        "root_urls": fields.root_urls,
        "signed_at_ms": fields.time,
    }


def _field_problem(fields: ManifestFields) -> str | None:
    missing = fields.missing_field()
    if missing:
        return f"The manifest field `{missing}` is missing or empty."
    if fields.is_v2 and fields.signature_type not in SIGNATURE_TYPES:
        return f"`{fields.signature_type}` is not a valid signature type."
    return None


def _signature_problem(signed: bytes, armored: bytes, fields: ManifestFields, trust: _Trust) -> str | None:
    from pysequoia import Sig
    from pysequoia import verify as pgp_verify

    found = trust.certs_for(fields.key_id)
    if isinstance(found, str):
        return found
    certs, whose = found
    try:
        signature = Sig.from_bytes(armored)
    except Exception:
        return "The signature block in MANIFEST.txt is not a readable OpenPGP signature."
    try:
        pgp_verify(bytes=signed, store=lambda _ids: certs, signature=signature)
    except Exception:
        signer = signature.issuer_key_id or signature.issuer_fingerprint or "an unknown key"
        return f"The signature (made by `{signer}`) does not verify with {whose}."
    return None


def _check_contents(
    root: Path,
    fields: ManifestFields,
    plugin_id: str,
    version: str,
    root_url: str | None,
    base: dict[str, Any],
) -> Verdict:
    reasons: list[str] = []
    notes: list[str] = []
    state = _VALID
    if fields.plugin != plugin_id:
        reasons.append(f"The manifest is for plugin `{fields.plugin}`, but plugin.json says `{plugin_id}`.")
        state = _MODIFIED
    if fields.version != version:
        reasons.append(f"The manifest is for version `{fields.version}`, but plugin.json says `{version}`.")
        state = _MODIFIED
    if fields.root_urls:
        shown = ", ".join(f"`{url}`" for url in fields.root_urls)
        if root_url is None:
            notes.append(
                f"The signature is valid only for Grafana served at {shown}; pass --root-url to check."
            )
        else:
            try:
                matched = root_url_matches(fields.root_urls, root_url, fields.signature_type)
            except ValueError as exc:
                matched = False
                reasons.append(f"The root URLs cannot be compared: {exc}.")
            else:
                if not matched:
                    reasons.append(
                        f"Grafana's root URL `{normalize_root_url(root_url)}` matches none of the signed root URLs "
                        f"{shown}."
                    )
            if not matched and state is _VALID:
                state = _INVALID
    try:
        on_disk = collect_files(root)
    except SignError as exc:
        reasons.append(exc.message)
        return Verdict(_INVALID if state is _VALID else state, tuple(reasons), notes=tuple(notes), **base)
    missing = sorted(p for p in fields.files if p not in on_disk)
    changed = sorted(p for p, h in fields.files.items() if p in on_disk and _digest(on_disk[p]) != h)
    extra = sorted(p for p in on_disk if p not in fields.files)
    for label, names in (
        ("listed in the manifest but missing", missing),
        ("changed since signing", changed),
        ("not covered by the signature", extra),
    ):
        if names:
            reasons.append(f"{_count(len(names))} {label}: {', '.join(f'`{n}`' for n in names)}.")
            state = _MODIFIED if state is _VALID else state
    if state is _VALID:
        reasons.append(_valid_reason(fields))
    return Verdict(
        state,
        tuple(reasons),
        missing_files=tuple(missing),
        changed_files=tuple(changed),
        extra_files=tuple(extra),
        notes=tuple(notes),
        **base,
    )


def _digest(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        return f"unreadable: {os.strerror(exc.errno or 0)}"


def _count(n: int) -> str:
    return "1 file" if n == 1 else f"{n} files"


def _valid_reason(fields: ManifestFields) -> str:
    who = fields.signed_by_org_name or fields.signed_by_org
    return f"Signed ({fields.signature_type}) by {who}; every file matches the manifest."
