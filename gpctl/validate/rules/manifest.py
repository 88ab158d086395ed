"""manifest: MANIFEST.txt parses, lists every file with the right sha256, and files are world-readable.

The OpenPGP signature itself is not verified here (that is `gpctl verify`); this checks what the catalog's
`manifest` analyzer checks without network.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from gpctl.sign._files import sha256_file
from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity

__all__ = ["RULES", "check", "manifest_payload"]

E, W = Severity.ERROR, Severity.WARNING
UNSIGNED = Rule("unsigned-plugin", "manifest", W, "There is no MANIFEST.txt: the plugin is unsigned.")
EMPTY = Rule("empty-manifest", "manifest", E, "MANIFEST.txt is empty.")
WRONG = Rule("wrong-manifest", "manifest", E, "MANIFEST.txt is not a clearsigned JSON manifest.")
UNDECLARED = Rule("undeclared-files", "manifest", E, "A file is missing from MANIFEST.txt, or vice versa.")
SHA = Rule("invalid-sha-sum", "manifest", E, "A file's sha256 differs from MANIFEST.txt.")
SIGNATURE = Rule("invalid-signature", "manifest", E, "A non-private signature carries `rootUrls`.")
PERMISSIONS = Rule("wrong-permissions", "manifest", E, "A file is not readable by owner, group and others.")

RULES = (UNSIGNED, EMPTY, WRONG, UNDECLARED, SHA, SIGNATURE, PERMISSIONS)

_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_SIG = "-----BEGIN PGP SIGNATURE-----"


def manifest_payload(text: str) -> dict[str, Any] | None:
    """The JSON object inside a clearsigned MANIFEST.txt (dash-escaping undone), or `None` if malformed."""
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        start = lines.index(_BEGIN)
        end = lines.index(_SIG, start)
    except ValueError:
        return None
    pos = start + 1
    while pos < end and lines[pos].strip():  # armor headers such as `Hash: SHA512`
        pos += 1
    body = "\n".join(line[2:] if line.startswith("- ") else line for line in lines[pos + 1 : end])
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _sha256(ctx: Context, path: Path) -> str:
    known = ctx.digests.get(path)
    return known if known is not None else sha256_file(path)


def check(ctx: Context) -> None:
    """The plugin directory against its MANIFEST.txt (skipped with a warning when unsigned)."""
    if ctx.root is None:
        return
    path = ctx.root / "MANIFEST.txt"
    if not path.is_file():
        ctx.report(
            UNSIGNED, "MANIFEST.txt", "The plugin is unsigned; sign it with `gpctl sign` before release."
        )
        return
    raw = path.read_bytes()
    if not raw:
        ctx.report(EMPTY, "MANIFEST.txt", "MANIFEST.txt is empty; sign the plugin again with `gpctl sign`.")
        return
    manifest = manifest_payload(raw.decode("utf-8", errors="replace"))
    if manifest is None:
        ctx.report(
            WRONG,
            "MANIFEST.txt",
            "MANIFEST.txt is not a clearsigned JSON manifest; sign the plugin again with `gpctl sign`.",
        )
        return
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        ctx.report(UNDECLARED, "MANIFEST.txt", "MANIFEST.txt declares no files; sign the plugin again.")
        return
    kind = str(manifest.get("signatureType", ""))
    if kind not in ("private", "private-glob") and manifest.get("rootUrls"):
        ctx.report(
            SIGNATURE,
            "MANIFEST.txt",
            f"The plugin is signed as `{kind}` but lists `rootUrls`; only private signatures take root URLs.",
        )
        return
    seen: set[str] = set()
    for file in ctx.files():
        rel = ctx.rel(file)
        if rel == "MANIFEST.txt":
            continue
        seen.add(rel)
        declared = files.get(rel)
        if declared is None:
            ctx.report(UNDECLARED, rel, "The file is not declared in MANIFEST.txt; sign the plugin again.")
            continue
        if _sha256(ctx, file) != str(declared).lower():
            ctx.report(SHA, rel, "The file's sha256 differs from MANIFEST.txt; it changed after signing.")
            continue
        mode = stat.S_IMODE(file.stat().st_mode)
        if mode & 0o444 != 0o444:
            ctx.report(
                PERMISSIONS,
                rel,
                f"The file's mode is `{mode:04o}`: owner, group and others must be able to read it (`0644`, "
                "executables `0755`).",
            )
    for rel in sorted(set(files) - seen):
        ctx.report(UNDECLARED, rel, "The file is declared in MANIFEST.txt but does not exist.")
