"""`gpctl package`: zip a built `dist/` per OS/arch and for all arches, optionally signed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    """Add the `package` command to `app`."""
    app.command("package")(package)


def package(
    path: Annotated[Path, typer.Argument(help="Project directory (default: the current one).")] = Path(),
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", help="Where the zips go (default: packages/)."),
    ] = None,
    sign: Annotated[bool, typer.Option("--sign", help="Sign each zip's folder before zipping it.")] = False,
    key: Annotated[
        Path | None, typer.Option("--key", metavar="FILE", help="OpenPGP private key for local signing.")
    ] = None,
    root_url: Annotated[
        list[str] | None,
        typer.Option("--root-url", metavar="URL", help="Grafana URL for a private signature (repeatable)."),
    ] = None,
    signature_type: Annotated[
        str | None, typer.Option("--signature-type", metavar="TYPE", help="private, community or commercial.")
    ] = None,
    dist: Annotated[
        Path | None,
        typer.Option("--dist", metavar="DIR", help="Package this folder instead of the project's dist/."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the zips as JSON.")] = False,
    variant: Annotated[
        str | None,
        typer.Option("--variant", metavar="NAME", help="Build variant in the zip names, e.g. musl."),
    ] = None,
) -> None:
    """Zip dist/ into <id>-<version>.<os>_<arch>.zip per built target and <id>-<version>.zip."""
    from gpctl.build import package_all
    from gpctl.cli._console import out_console
    from gpctl.project import Project

    project = Project.find(path)
    options: dict[str, Any] = {}
    if key is not None:
        options["key"] = key
    if root_url:
        options["root_urls"] = tuple(root_url)
    if signature_type is not None:
        options["signature_type"] = signature_type
    packages = package_all(project, sign=sign, sign_options=options, out_dir=out, variant=variant, dist=dist)
    console = out_console()
    if as_json:
        rows = [
            {
                "zip": str(item.zip_path),
                "target": str(item.target) if item.target else None,
                "bytes": item.zip_path.stat().st_size,
                "sha1": item.sha1,
                "sha256": item.sha256,
            }
            for item in packages
        ]
        console.out(json.dumps(rows, indent=2), highlight=False)
        return
    for item in packages:
        size = item.zip_path.stat().st_size / 2**20
        console.print(f"{project.display_path(item.zip_path)} ({size:.1f} MiB) sha256 {item.sha256}")
