"""unsafesvg: SVG files must not carry scripts, event handlers or HTML/MathML elements browsers execute."""

from __future__ import annotations

from xml.parsers import expat

from gpctl.validate._context import Context
from gpctl.validate._report import Rule, Severity

__all__ = ["RULES", "check", "svg_problem"]

UNSAFE_SVG = Rule(
    "unsafe-svg-file", "unsafesvg", Severity.ERROR, "An SVG has a forbidden element or handler."
)
RULES = (UNSAFE_SVG,)

# Elements the catalog refuses in SVGs: scripting, embedding and HTML/MathML parsing-mode switches.
FORBIDDEN_ELEMENTS = frozenset(
    [
        "annotation-xml",
        "audio",
        "colgroup",
        "iframe",
        "math",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
        "script",
        "template",
        "thead",
        "xmp",
    ]
)


class _Unsafe(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def svg_problem(data: bytes) -> str | None:
    """Why the SVG document `data` is unsafe (a sentence fragment), or `None` when it is safe."""
    parser = expat.ParserCreate()

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name).lower() in FORBIDDEN_ELEMENTS:
            raise _Unsafe(f"it contains a `<{name}>` element")
        for attr in attrs:
            if ":" not in attr and attr.lower().startswith("on"):
                raise _Unsafe(f"element `<{name}>` has an event handler attribute `{attr}`")

    def entity(name: str, *_: object) -> None:
        raise _Unsafe(f"it declares the XML entity `{name}`")

    parser.StartElementHandler = start
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except _Unsafe as exc:
        return str(exc)
    except expat.ExpatError as exc:
        return f"it is not well-formed XML ({expat.errors.messages[exc.code]} at line {exc.lineno})"
    return None


def check(ctx: Context) -> None:
    """Every `*.svg` in the plugin directory."""
    if ctx.root is None:
        return
    for path in ctx.files():
        if path.suffix.lower() != ".svg":
            continue
        problem = svg_problem(path.read_bytes())
        if problem is not None:
            ctx.report(UNSAFE_SVG, ctx.rel(path), f"The SVG is unsafe: {problem}; remove it from the image.")
