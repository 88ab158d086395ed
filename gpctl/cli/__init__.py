"""The `gpctl` command: thin Typer commands over the library, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from gpctl import __version__
from gpctl.cli import build, ci, dev, new, package, protos, query, sign, update, validate, verify

__all__ = ["app", "main"]

app = typer.Typer(
    name="gpctl",
    help="Write, run, build, sign and validate Grafana backend plugins in Python.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gpctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Write, run, build, sign and validate Grafana backend plugins in Python."""


new.register(app)
protos.register(app)
dev.register(app)
query.register(app)
build.register(app)
package.register(app)
sign.register(app)
verify.register(app)
validate.register(app)
ci.register(app)
update.register(app)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; map every error to one `error:` line (message, then hint) and an exit code (1, 130 on Ctrl-C)."""
    from gpctl._env import debug_enabled
    from gpctl.errors import GpctlError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="gpctl")
    except GpctlError as exc:
        if debug_enabled():
            raise
        # One line: what is wrong, then what to do.
        sys.stderr.write(f"error: {exc.message}{' ' + exc.hint if exc.hint else ''}\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(130) from None
    except Exception as exc:
        if debug_enabled():
            raise
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        sys.stderr.write(
            f"error: unexpected {type(exc).__name__}: {detail} (rerun with GPCTL_DEBUG=1 for the traceback)\n"
        )
        raise SystemExit(1) from None
