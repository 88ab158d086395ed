"""Find the cookiecutter templates: the copy packaged in the wheel first, the repository's `templates/` second."""

from __future__ import annotations

from pathlib import Path

from gpctl.errors import TemplateError

__all__ = ["COMMON", "KINDS", "template_dir", "templates_root"]

KINDS: dict[str, str] = {"datasource": "datasource", "app": "app", "streaming": "datasource"}
"""Each template gpctl offers, mapped to the Grafana plugin type it produces."""

COMMON = "_common"
"""Files every kind shares; rendered first, then the kind's own template on top (create-plugin's layering)."""


def templates_root() -> Path:
    """Return the directory holding the templates (`gpctl/_templates` in a wheel, `templates/` in a checkout)."""
    package_dir = Path(__file__).resolve().parents[1]
    for candidate in (package_dir / "_templates", package_dir.parent / "templates"):
        if (candidate / COMMON / "cookiecutter.json").is_file():
            return candidate
    raise TemplateError(
        f"gpctl's templates are missing: neither `{package_dir / '_templates'}` nor "
        f"`{package_dir.parent / 'templates'}` holds them; reinstall gpctl."
    )


def template_dir(kind: str, root: Path | None = None) -> Path:
    """Return the template directory for `kind` (in `root`, default `templates_root()`); raise for unknown kinds."""
    if kind not in KINDS:
        known = ", ".join(f"`{name}`" for name in KINDS)
        raise TemplateError(f"Unknown template `{kind}`; choose one of {known}.")
    return (templates_root() if root is None else root) / kind
