"""The entry the dev launcher in `dist/` runs: locator mode while `gpctl dev` runs, the real plugin otherwise.

The launcher is `#!/bin/sh` + `exec <python> -m gpctl.dev._launcher "$0" <project root>`. With `argv[0]` set to the
launcher's own path, `gpctl.sdk.serve` finds `standalone.txt` and `pid.txt` next to it: while the dev server
lives it prints the dev server's address and serves nothing (locator mode); when `pid.txt` is stale it serves the
project's plugin normally, so leftover files never break Grafana. The plugin is imported only in that second case.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]


def main(argv: list[str]) -> None:
    """Serve as Grafana expects; `argv` is `[launcher path, project root, *Grafana's args]`."""
    launcher, root = Path(argv[0]), Path(argv[1])
    sys.argv = [str(launcher), *argv[2:]]
    from gpctl.project import Project, load_entry
    from gpctl.sdk import App, Datasource, serve
    from gpctl.sdk._serve import locator_address

    project = Project.find(root)
    plugin: Any
    if locator_address(project.plugin_id) is not None:  # the very check `serve` makes next
        kind = App if project.plugin_type == "app" else Datasource
        plugin = kind(project.plugin_id)
        # Grafana passes its own stdin, often /dev/null (a service, a container): end of input there says nothing
        # about Grafana going away, so the locator must not wait on it. Grafana SIGKILLs it on stop.
        sys.stdin = None
    else:
        plugin = load_entry(project.plugin_ref, project.source_dir)
    serve(plugin)


if __name__ == "__main__":
    main(sys.argv[1:])
