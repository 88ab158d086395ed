"""The grafana.com catalog rules that fail for every non-Go backend: listed in their own section, never run.

- `sdkusage`: the source must have a go.mod requiring grafana-plugin-sdk-go.
- `backendbinary` / `backend-binary-not-linux-amd64`: a linux/amd64 binary must carry Go build info; the note is
  dropped when one does (a Go launcher).
- `govulncheck`: every `<executable>*` file is scanned as a Go binary.
"""

from __future__ import annotations

from gpctl.validate._context import Context
from gpctl.validate._report import CatalogNote

__all__ = ["check"]


def check(ctx: Context) -> None:
    """List the Go-only catalog rules when a plugin.json declares a backend (after `backend.check`)."""
    if not any(m.get("backend") is True for m in ctx.metadata.values()):
        return
    notes = [
        CatalogNote(
            "go-sdk-not-used",
            "sdkusage",
            "needs a go.mod using grafana-plugin-sdk-go; a Python backend has none (ask for an exception when "
            "submitting).",
        )
    ]
    if not any(b.go_build_info and b.target == "linux/amd64" for b in ctx.binaries):
        notes.append(
            CatalogNote(
                "backend-binary-not-linux-amd64",
                "backendbinary",
                "needs Go build info in a linux/amd64 binary; PyInstaller executables have none (gpctl checks "
                "the headers instead).",
            )
        )
    notes.append(
        CatalogNote(
            "govulncheck-scan-failed",
            "govulncheck",
            "scans each `<executable>*` file as a Go binary; a non-Go executable fails the scan.",
        )
    )
    ctx.catalog_only.extend(notes)
