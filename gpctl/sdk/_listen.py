"""The plugin's listening socket, bound before asyncio, grpc or protobuf are imported.

The handshake line may be printed as soon as the socket listens: a client that connects at once waits in the
kernel's accept queue until the server, imported right after the line, accepts it; so the host never waits for
imports it does not need to see the address. Only `_socket` (a built-in module) is used here: the `socket` module
imports `selectors` and builds enums, which the handshake does not need either.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["Listener", "bind", "chgrp_socket"]

BACKLOG = 128


class Listener:
    """A bound, listening socket: `network` is `tcp` or `unix`, `shown` the address for the handshake line."""

    def __init__(self, raw: Any, network: str, shown: str) -> None:
        self.raw = raw
        self.network = network
        self.shown = shown

    def socket(self) -> Any:
        """The same socket as a `socket.socket` (what asyncio serves on); call it once, after the handshake."""
        import socket

        return socket.socket(self.raw.family, self.raw.type, fileno=self.raw.detach())


def bind() -> Listener:
    """Bind and listen where go-plugin's environment says: a Unix socket in `PLUGIN_UNIX_SOCKET_DIR`, else
    127.0.0.1 on a free port."""
    import _socket

    socket_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR", "").strip()
    if socket_dir:
        # go-plugin makes a temporary file named plugin* there and removes it; only its name is used.
        path = os.path.join(socket_dir, "plugin" + os.urandom(8).hex())  # noqa: PTH118
        raw = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        raw.bind(path)
        raw.listen(BACKLOG)
        chgrp_socket(path)
        return Listener(raw, "unix", path)
    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    raw.bind(("127.0.0.1", 0))
    raw.listen(BACKLOG)
    return Listener(raw, "tcp", f"127.0.0.1:{raw.getsockname()[1]}")


def chgrp_socket(path: str) -> None:
    """Give the socket to `PLUGIN_UNIX_SOCKET_GROUP` (name or id) with mode 0660, as go-plugin does."""
    group = os.environ.get("PLUGIN_UNIX_SOCKET_GROUP", "").strip()
    if not group:
        return
    import grp

    gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
    os.chown(path, -1, gid)
    os.chmod(path, 0o660)  # noqa: PTH101
