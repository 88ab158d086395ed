"""MANIFEST.txt content: the request body the signer sends, and the signed JSON Grafana reads back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpctl.errors import SignError
from gpctl.sign._files import collect_files, sha256_file

__all__ = [
    "SIGNATURE_TYPES",
    "ManifestFields",
    "manifest_request",
    "parse_manifest",
    "plugin_identity",
]

SIGNATURE_TYPES = ("grafana", "commercial", "community", "private", "private-glob")
"""Signature types Grafana accepts (`plugins.SignatureType.IsValid`)."""


def plugin_identity(directory: Path) -> tuple[str, str]:
    """Return `(id, info.version)` from the directory's plugin.json.

    Raises:
        SignError: plugin.json is missing, not JSON, or lacks `id` / `info.version`.
    """
    path = directory / "plugin.json"
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise SignError(
            f"No `plugin.json` in `{directory}`; point gpctl at a built plugin directory such as `dist`."
        ) from None
    except (OSError, ValueError) as exc:
        raise SignError(f"`{path}` is not valid JSON: {exc}.") from None
    plugin_id = data.get("id") if isinstance(data, dict) else None
    info = data.get("info") if isinstance(data, dict) else None
    version = info.get("version") if isinstance(info, dict) else None
    if not isinstance(plugin_id, str) or not plugin_id:
        raise SignError(f"`{path}` has no `id`; Grafana needs it to match the signature.")
    if not isinstance(version, str) or not version:
        raise SignError(f"`{path}` has no `info.version`; Grafana needs it to match the signature.")
    return plugin_id, version


def manifest_request(
    dist: Path,
    *,
    root_urls: Sequence[str] = (),
    signature_type: str | None = None,
    create_plugin_version: str | None = None,
) -> dict[str, Any]:
    """Build the unsigned manifest exactly as @grafana/sign-plugin sends it to the sign API.

    Keys in sign-plugin's order: `plugin`, `version`, `files` (posix path -> lowercase sha256), then the optional
    `signatureType`, `rootUrls` and `createPlugin`.
    """
    plugin_id, version = plugin_identity(dist)
    files = {rel: sha256_file(path) for rel, path in collect_files(dist).items()}
    body: dict[str, Any] = {"plugin": plugin_id, "version": version, "files": files}
    if signature_type:
        body["signatureType"] = signature_type
    if root_urls:
        body["rootUrls"] = list(root_urls)
    if create_plugin_version:
        body["createPlugin"] = {"version": create_plugin_version}
    return body


@dataclass(frozen=True)
class ManifestFields:
    """The fields of a signed manifest, read with Go's `encoding/json` rules (keys match case-insensitively)."""

    plugin: str = ""
    version: str = ""
    key_id: str = ""
    time: int = 0
    files: Mapping[str, str] = field(default_factory=dict)
    manifest_version: str = ""
    signature_type: str = ""
    signed_by_org: str = ""
    signed_by_org_name: str = ""
    root_urls: tuple[str, ...] = ()

    @property
    def is_v2(self) -> bool:
        """Tell whether Grafana treats the manifest as version 2 (`manifestVersion` starts with `2.`)."""
        return self.manifest_version.startswith("2.")

    def missing_field(self) -> str | None:
        """Return the first required field that is empty, in Grafana's order, or None."""
        required: list[tuple[str, object]] = [
            ("plugin", self.plugin),
            ("version", self.version),
            ("keyId", self.key_id),
            ("time", self.time),
            ("files", self.files),
        ]
        if self.is_v2:
            required += [("signedByOrg", self.signed_by_org), ("signedByOrgName", self.signed_by_org_name)]
        for name, value in required:
            if not value:
                return name
        return None


_CANONICAL_KEYS = frozenset(
    {"plugin", "version", "keyId", "time", "files", "manifestVersion", "signatureType", "signedByOrg"}
    | {"signedByOrgName", "rootUrls"}
)
"""The fields' exact spellings; Go's json.Unmarshal lets an exact match win over a case-insensitive one."""

_STRINGS = {
    "plugin": "plugin",
    "version": "version",
    "keyid": "key_id",
    "manifestversion": "manifest_version",
    "signaturetype": "signature_type",
    "signedbyorg": "signed_by_org",
    "signedbyorgname": "signed_by_org_name",
}


def parse_manifest(plaintext: bytes) -> ManifestFields:
    """Parse the signed JSON text.

    Raises:
        ValueError: not a JSON object, or a field has the wrong type (Go's json.Unmarshal would fail).
    """
    try:
        data = json.loads(plaintext)
    except ValueError as exc:
        raise ValueError(f"the manifest is not JSON ({exc})") from None
    if data is None:
        return ManifestFields()
    if not isinstance(data, dict):
        raise ValueError("the manifest is not a JSON object")
    values: dict[str, Any] = {}
    for key in sorted(data, key=lambda k: k in _CANONICAL_KEYS):
        lowered = key.lower()
        value = data[key]
        if value is None:
            continue
        if lowered in _STRINGS:
            if not isinstance(value, str):
                raise ValueError(f"manifest field `{key}` is not a string")
            values[_STRINGS[lowered]] = value
        elif lowered == "time":
            if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
                raise ValueError(f"manifest field `{key}` is not an integer")
            values["time"] = value
        elif lowered == "files":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"manifest field `{key}` is not an object of strings")
            values["files"] = dict(value)
        elif lowered == "rooturls":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"manifest field `{key}` is not a list of strings")
            values["root_urls"] = tuple(value)
    return ManifestFields(**values)
