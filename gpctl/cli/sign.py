"""`gpctl sign`: write MANIFEST.txt for a built plugin, through grafana.com or with a local key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `sign` command to `app`."""
    app.command("sign")(sign)


def sign(
    dist: Annotated[
        Path | None,
        typer.Argument(
            help="The built plugin directory (holding plugin.json); default: ./dist, else the project's dist/.",
            metavar="DIST",
            show_default=False,
        ),
    ] = None,
    root_urls: Annotated[
        list[str] | None,
        typer.Option(
            "--root-urls",
            "--root-url",
            metavar="URL[,URL]",
            help="Grafana URL(s) a private signature is valid for; comma-separated or repeated.",
        ),
    ] = None,
    signature_type: Annotated[
        str | None,
        typer.Option(
            "--signature-type",
            metavar="TYPE",
            help="grafana, commercial, community, private or private-glob (grafana.com decides when omitted).",
        ),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            metavar="PRIVATE.asc",
            help="Sign locally with this unprotected OpenPGP secret key instead of grafana.com "
            "(stock Grafana trusts only grafana.com's key).",
        ),
    ] = None,
) -> None:
    """Sign the plugin in DIST: every file is hashed into MANIFEST.txt and signed.

    Without --key the manifest goes to the grafana.com sign API with GRAFANA_ACCESS_POLICY_TOKEN
    (GRAFANA_COM_URL overrides the API URL). Sign last: any change afterwards makes the plugin "modified".
    """
    from gpctl.cli._console import err_console, out_console
    from gpctl.sign import SignEnv, collect_files, sign_directory

    if dist is None:
        dist = _default_dist()
    urls = [url.strip() for value in root_urls or () for url in value.split(",") if url.strip()]
    token = None
    if key is None:
        token = os.environ.get(SignEnv.TOKEN, "").strip() or None
        legacy = os.environ.get(SignEnv.API_KEY, "").strip()
        if token is None and legacy:
            err_console().print(
                f"warning: {SignEnv.API_KEY} is deprecated; create an access policy token and set "
                f"{SignEnv.TOKEN} instead."
            )
            token = legacy
    manifest = sign_directory(dist, key=key, root_urls=urls, signature_type=signature_type, token=token)
    count = len(collect_files(dist))
    where = f"locally with `{key}`" if key is not None else "by grafana.com"
    out = out_console()
    out.print(f"Signed {count} file{'s' if count != 1 else ''} in `{dist}` {where}; wrote `{manifest}`.")
    if key is not None:
        out.print(
            "note: stock Grafana trusts only grafana.com's key, so it reports this plugin's signature as invalid; "
            "check it with `gpctl verify --key`."
        )


def _default_dist() -> Path:
    from gpctl.errors import GpctlError
    from gpctl.project import Project

    here = Path("dist")
    if here.is_dir():
        return here
    try:
        return Project.find().dist_dir
    except GpctlError:
        return here
