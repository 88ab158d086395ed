"""`gpctl protos`: regenerate the SDK's gRPC stubs, check them, or compile a plugin project's own protos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gpctl.errors import GpctlError

__all__ = ["register"]


def protos(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A .proto file or a directory of them to compile (default: the SDK's own protos)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for the generated package (default: beside the protos)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if the stubs are missing or stale.")
    ] = False,
) -> None:
    """Generate Python gRPC stubs (SDK protocol stubs, or a plugin's own .proto files)."""
    from gpctl import protos as lib
    from gpctl.cli._console import out_console

    cwd = Path.cwd()

    def shown(p: Path) -> str:
        return str(p.relative_to(cwd)) if p.is_relative_to(cwd) else str(p)

    if out is not None and path is None:
        raise GpctlError(
            "`--out` needs a PATH of .proto files; the SDK's stubs always go to `gpctl/sdk/_protocol`."
        )
    if check:
        stale = lib.stale_sdk_stubs() if path is None else lib.stale_protos(path, out=out)
        if stale:
            names = ", ".join(f"`{shown(p)}`" for p in stale)
            raise GpctlError(
                f"Generated stubs are stale: {names}.", hint="Run `gpctl protos` to regenerate them."
            )
        out_console().print("Stubs are up to date.")
        return
    changed = lib.generate_sdk_stubs() if path is None else lib.compile_protos(path, out=out)
    for p in changed:
        out_console().print(f"wrote {shown(p)}")
    out_console().print(f"{len(changed)} file(s) changed." if changed else "Stubs are up to date.")


def register(app: typer.Typer) -> None:
    """Add the `protos` command to `app`."""
    app.command("protos")(protos)
