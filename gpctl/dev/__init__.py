"""The edit loop: `gpctl dev` (serve a project's plugin, reload it on every save) and `gpctl query` (talk to it).

    server = DevServer(Project.find(), on_event=print)
    server.run()        # until server.stop() from another thread, or Ctrl-C

Library code only: it reports through callbacks and `GpctlError`s, and never prints.
"""

from __future__ import annotations

from gpctl.dev._files import DevFiles, address_env_var, choose_address, executable_name, read_address
from gpctl.dev._server import DevEvent, DevServer, DevStatus
from gpctl.dev._watch import DEFAULT_EXCLUDES, DEFAULT_INCLUDES, IGNORED_DIRS, WatchSpec

__all__ = [
    "DEFAULT_EXCLUDES",
    "DEFAULT_INCLUDES",
    "IGNORED_DIRS",
    "DevEvent",
    "DevFiles",
    "DevServer",
    "DevStatus",
    "WatchSpec",
    "address_env_var",
    "choose_address",
    "executable_name",
    "read_address",
]
