"""The verdict of `verify`: the signature state Grafana would assign, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["SignatureState", "Verdict"]


class SignatureState(str, Enum):
    """Grafana's plugin signature states for an external plugin."""

    UNSIGNED = "unsigned"
    """No MANIFEST.txt: loads only in development mode or when allow-listed."""
    INVALID = "invalid"
    """Bad manifest, signature, key, field, v1 manifest or root URL: never loads."""
    MODIFIED = "modified"
    """Id/version mismatch, or a file missing, changed or extra: never loads, not even in development mode."""
    VALID = "valid"
    """Loads."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Verdict:
    """What Grafana would decide about a plugin directory's signature.

    `reasons` are sentences in Grafana's checking order; the first one explains `state`. The file lists are
    filled once the signature itself checks out.
    """

    state: SignatureState
    reasons: tuple[str, ...] = ()
    plugin_id: str = ""
    version: str = ""
    signature_type: str = ""
    signed_by_org: str = ""
    signed_by_org_name: str = ""
    key_id: str = ""
    root_urls: tuple[str, ...] = ()
    signed_at_ms: int = 0
    missing_files: tuple[str, ...] = ()
    changed_files: tuple[str, ...] = ()
    extra_files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Remarks that do not change the state (such as a private signature checked without `--root-url`)."""

    @property
    def is_valid(self) -> bool:
        """Tell whether Grafana would load the plugin with this signature."""
        return self.state is SignatureState.VALID

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict (stable keys, for CI)."""
        return {
            "state": self.state.value,
            "valid": self.is_valid,
            "reasons": list(self.reasons),
            "plugin": self.plugin_id,
            "version": self.version,
            "signatureType": self.signature_type,
            "signedByOrg": self.signed_by_org,
            "signedByOrgName": self.signed_by_org_name,
            "keyId": self.key_id,
            "rootUrls": list(self.root_urls),
            "time": self.signed_at_ms,
            "missingFiles": list(self.missing_files),
            "changedFiles": list(self.changed_files),
            "extraFiles": list(self.extra_files),
            "notes": list(self.notes),
        }
