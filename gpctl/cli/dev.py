"""`gpctl dev`: serve the project's plugin on a fixed address and reload it on every save."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from gpctl.dev import DevEvent, DevStatus

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `dev` command to `app`."""

    @app.command("dev")
    def dev(
        path: Annotated[
            Path, typer.Argument(help="The plugin project (default: the current directory).")
        ] = Path(),
        address: Annotated[
            str | None,
            typer.Option(
                metavar="HOST:PORT",
                help="Where to serve (default: GF_PLUGIN_GRPC_ADDRESS_<ID>, else a free port).",
            ),
        ] = None,
        reload_dir: Annotated[
            list[Path] | None,
            typer.Option(
                "--reload-dir", metavar="DIR", help="Directory to watch, repeatable (default: pkg/ and src/)."
            ),
        ] = None,
        reload_include: Annotated[
            list[str] | None,
            typer.Option(
                "--reload-include",
                metavar="GLOB",
                help="Glob of files that reload, repeatable (adds to *.py).",
            ),
        ] = None,
        reload_exclude: Annotated[
            list[str] | None,
            typer.Option(
                "--reload-exclude", metavar="GLOB", help="Glob of files or directories to ignore, repeatable."
            ),
        ] = None,
        frontend: Annotated[bool, typer.Option(help="Also run `npm run dev` for the frontend.")] = False,
        kill_stale: Annotated[
            bool, typer.Option(help="Kill running copies of the plugin so Grafana restarts them as locators.")
        ] = True,
    ) -> None:
        """Serve the plugin for Grafana and reload it on every save; Ctrl-C stops and cleans up."""
        import signal

        from gpctl.cli._console import err_console, out_console
        from gpctl.dev import DevServer, format_log_line, format_status
        from gpctl.project import Project

        out, err = out_console(), err_console()
        project = Project.find(path)
        live_update = None
        live_mode = out.is_terminal

        def on_event(event: DevEvent) -> None:
            if event.kind == "log":
                out.print(format_log_line(event.message))
            elif event.kind == "frontend":
                out.print(f"frontend | {event.message}")
            elif event.kind == "error":
                (out if live_mode else err).print(f"error: {event.message}")
            else:
                out.print(event.message)

        def on_status(status: DevStatus) -> None:
            if live_update is not None:
                live_update(format_status(status))

        server = DevServer(
            project,
            address=address,
            reload_dirs=reload_dir or (),
            reload_includes=reload_include or (),
            reload_excludes=reload_exclude or (),
            frontend=frontend,
            kill_stale=kill_stale,
            on_event=on_event,
            on_status=on_status,
        )
        previous = {
            signum: signal.signal(signum, lambda *_: server.stop())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        out.print(
            f"gpctl dev: `{project.plugin_id}` on {server.status.address}; "
            f"Grafana loading `{project.dist_dir}` connects here."
        )
        try:
            if live_mode:
                from rich.live import Live
                from rich.text import Text

                def line(text: str) -> Text:
                    return Text(text, no_wrap=True, overflow="ellipsis")

                with Live(
                    line(format_status(server.status)), console=out, auto_refresh=False, transient=True
                ) as live:
                    live_update = lambda text: live.update(line(text), refresh=True)  # noqa: E731
                    server.run()
            else:
                server.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        out.print("gpctl dev stopped; dev files removed.")
