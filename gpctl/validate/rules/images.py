"""logos, metadatapaths, screenshots: images plugin.json points at exist, are relative, and are real images."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity

__all__ = ["RULES", "check_logos", "check_paths", "check_screenshots", "sniff_image"]

E, W = Severity.ERROR, Severity.WARNING
LOGOS = Rule("logos", "logos", E, "`info.logos.small` or `info.logos.large` is empty.")
INVALID_PATH = Rule("invalid-path", "metadatapaths", E, "An image path is not a valid path.")
ABSOLUTE_URL = Rule(
    "path-relative-to-metadata", "metadatapaths", E, "An image path is a URL, not a relative path."
)
LEADING = Rule("invalid-relative-path", "metadatapaths", E, "An image path starts with `.` or `/`.")
NOT_FOUND = Rule("path-not-exists", "metadatapaths", E, "An image path points at no file.")
SCREENSHOTS = Rule("screenshots", "screenshots", W, "plugin.json lists no screenshots, or one has no path.")
SCREENSHOT_TYPE = Rule(
    "screenshots-image-type",
    "screenshots",
    E,
    "A screenshot is not PNG, JPEG, GIF or SVG, or its extension lies.",
)

RULES = (LOGOS, INVALID_PATH, ABSOLUTE_URL, LEADING, NOT_FOUND, SCREENSHOTS, SCREENSHOT_TYPE)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BY_EXTENSION = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
_BY_EXTENSION[".svg"] = "image/svg+xml"


@dataclass(frozen=True)
class _ImageRef:
    plugin_json: str
    kind: str
    path: str


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _refs(ctx: Context) -> list[_ImageRef]:
    refs = []
    for rel, data in ctx.metadata.items():
        info = _dict(data.get("info"))
        shots = info.get("screenshots")
        for shot in shots if isinstance(shots, list) else []:
            path = _dict(shot).get("path")
            if isinstance(path, str):
                refs.append(_ImageRef(rel, "screenshot", path))
        logos = _dict(info.get("logos"))
        for size in ("small", "large"):
            value = logos.get(size)
            if isinstance(value, str):
                refs.append(_ImageRef(rel, f"{size} logo", value))
    return refs


def check_logos(ctx: Context) -> None:
    """logos: every plugin.json has non-empty small and large logo paths."""
    for rel, data in ctx.metadata.items():
        logos = _dict(_dict(data.get("info")).get("logos"))
        for size in ("small", "large"):
            value = logos.get(size)
            if not isinstance(value, str) or not value.strip():
                ctx.report(
                    LOGOS, rel, f"`info.logos.{size}` is empty; point it at an SVG, e.g. `img/logo.svg`."
                )


def check_paths(ctx: Context) -> None:
    """metadatapaths: logo and screenshot paths are relative to their plugin.json, without `./`, and exist."""
    if ctx.root is None:
        return
    for ref in _refs(ctx):
        if not ref.path.strip():
            continue
        if any(ord(ch) < 0x20 for ch in ref.path) or _BAD_ESCAPE.search(ref.path):
            ctx.report(
                INVALID_PATH, ref.plugin_json, f"The {ref.kind} path `{ref.path}` is not a valid path."
            )
            continue
        if _SCHEME.match(ref.path):
            ctx.report(
                ABSOLUTE_URL,
                ref.plugin_json,
                f"The {ref.kind} path `{ref.path}` is a URL; ship the image and use a path relative to plugin.json.",
            )
            continue
        if ref.path.startswith((".", "/")):
            ctx.report(
                LEADING,
                ref.plugin_json,
                f"The {ref.kind} path `{ref.path}` must not start with `.` or `/`; write it like `img/logo.svg`.",
            )
            continue
        relative = PurePosixPath(ref.plugin_json).parent / ref.path
        if not (ctx.root / relative).exists():
            ctx.report(
                NOT_FOUND,
                ref.plugin_json,
                f"The {ref.kind} `{relative.as_posix()}` does not exist; add the file or fix the path.",
            )


def sniff_image(head: bytes) -> str | None:
    """MIME type of an image from its first bytes (PNG, JPEG, GIF, SVG), else `None`."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if b"<svg" in head and b"\x00" not in head:
        return "image/svg+xml"
    return None


def check_screenshots(ctx: Context) -> None:
    """screenshots: the root plugin.json lists screenshots, each an accepted image type matching its extension."""
    main = ctx.main
    if main is None or ctx.root is None:
        return
    shots = _dict(main.get("info")).get("screenshots")
    shots = shots if isinstance(shots, list) else []
    if not shots:
        ctx.report(
            SCREENSHOTS,
            "plugin.json",
            "`info.screenshots` is empty; the catalog shows screenshots on the plugin's page, add at least one.",
        )
        return
    for shot in shots:
        entry = _dict(shot)
        path = entry.get("path")
        if not isinstance(path, str) or not path.strip():
            ctx.report(
                SCREENSHOTS, "plugin.json", f"Screenshot `{entry.get('name', '')}` has an empty `path`."
            )
            continue
        file = ctx.root / path
        if not file.is_file():
            continue  # metadatapaths reports it
        with open(file, "rb") as fh:
            kind = sniff_image(fh.read(512))
        if kind is None:
            ctx.report(
                SCREENSHOT_TYPE,
                path,
                "The screenshot is not a PNG, JPEG, GIF or SVG image.",
            )
            continue
        expected = _BY_EXTENSION.get(PurePosixPath(path).suffix.lower())
        if expected != kind:
            ctx.report(
                SCREENSHOT_TYPE,
                path,
                f"The screenshot's extension `{PurePosixPath(path).suffix}` does not match its content "
                f"(`{kind}`); rename the file.",
            )
