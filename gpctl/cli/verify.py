"""`gpctl verify`: the signature state Grafana would give a plugin directory or zip, offline."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from gpctl.sign import Verdict

_CONSEQUENCE = {
    "unsigned": "Grafana loads it only in development mode or when its id is in allow_loading_unsigned_plugins.",
    "invalid": "Grafana will not load it.",
    "modified": "Grafana will not load it, not even in development mode.",
}


def register(app: typer.Typer) -> None:
    """Add the `verify` command to `app`."""
    app.command("verify")(verify)


def verify(
    path: Annotated[
        Path, typer.Argument(help="A plugin directory (holding plugin.json) or a plugin zip.", metavar="PATH")
    ],
    key: Annotated[
        Path | None,
        typer.Option(
            "--key", metavar="KEY.asc", help="Check the signature with this OpenPGP key instead of Grafana's."
        ),
    ] = None,
    root_url: Annotated[
        str | None,
        typer.Option(
            "--root-url",
            metavar="URL",
            help="Grafana's root_url, checked against a private signature's root URLs.",
        ),
    ] = None,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Look the signing key up in grafana.com's published keys (GRAFANA_COM_URL) instead of the "
            "embedded one, as Grafana does with its pluginsAPIManifestKey feature flag.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Tell which signature state Grafana would assign (unsigned, invalid, modified or valid) and why.

    Exits 0 only when the signature is valid.
    """
    from gpctl.cli._console import out_console
    from gpctl.sign import DEFAULT_API_URL, SignEnv
    from gpctl.sign import verify as run_verify

    keys_api = (os.environ.get(SignEnv.API_URL, "").strip() or DEFAULT_API_URL) if online else None
    verdict = run_verify(path, key=key, root_url=root_url, keys_api=keys_api)
    if as_json:
        out_console().print(json.dumps(verdict.to_json(), indent=2), soft_wrap=True)
    else:
        for line in _describe(verdict):
            out_console().print(line)
    if not verdict.is_valid:
        raise typer.Exit(1)


def _describe(verdict: Verdict) -> list[str]:
    lines = [f"{verdict.state.value}: {verdict.plugin_id} {verdict.version}"]
    if verdict.signed_by_org or verdict.key_id:
        who = verdict.signed_by_org_name or verdict.signed_by_org
        parts = [f"signed by {who} ({verdict.signed_by_org})" if who else "signed"]
        if verdict.signature_type:
            parts.append(f"{verdict.signature_type} signature")
        if verdict.key_id:
            parts.append(f"key {verdict.key_id}")
        if verdict.signed_at_ms > 0:
            try:
                when = datetime.fromtimestamp(verdict.signed_at_ms / 1000, tz=timezone.utc)
                parts.append(when.strftime("%Y-%m-%d %H:%M UTC"))
            except (OverflowError, OSError, ValueError):
                pass
        lines.append("  " + ", ".join(parts))
    if verdict.root_urls:
        lines.append("  root URLs: " + ", ".join(verdict.root_urls))
    lines += [f"  - {reason}" for reason in verdict.reasons]
    lines += [f"  note: {note}" for note in verdict.notes]
    if verdict.state.value in _CONSEQUENCE:
        lines.append(_CONSEQUENCE[verdict.state.value])
    return lines
