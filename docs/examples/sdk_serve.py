"""`serve()` under a go-plugin host: the handshake line, then queries and a graceful Shutdown.

Run directly, this file starts itself as a plugin process with the environment Grafana's go-plugin client sets,
reads the handshake line from its stdout and talks to it like the host does.
"""

from __future__ import annotations

import os
import subprocess
import sys

from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext, serve
from gpctl.sdk.testing import PluginClient

ds = Datasource("myorg-served-datasource")


@ds.query("hello")
def hello(query: DataQuery, ctx: PluginContext) -> Frame:
    print("a stray print: it goes to stderr, never to the host's stdout")
    return Frame("hello", Field("greeting", ["Hello from a plugin process"]))


if __name__ == "__main__" and os.environ.get("grafana_plugin_type") == "datasource":  # noqa: SIM112
    serve(ds)  # never returns: exits when the host calls Shutdown
elif __name__ == "__main__":
    host_env = {**os.environ, "grafana_plugin_type": "datasource", "PLUGIN_PROTOCOL_VERSIONS": "2"}
    plugin = subprocess.Popen(
        [sys.executable, __file__], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=host_env
    )
    assert plugin.stdout is not None and plugin.stderr is not None
    handshake = plugin.stdout.readline().decode()  # e.g. 1|2|tcp|127.0.0.1:41234|grpc
    core, app, network, address, protocol = handshake.strip().split("|")
    assert (core, app, network, protocol) == ("1", "2", "tcp", "grpc")
    with PluginClient.connect(address) as client:
        assert client.ping()
        assert client.query("hello")["A"].frames[0].field("greeting").values == [
            "Hello from a plugin process"
        ]
        client.shutdown()  # what the host's Kill() sends
    assert plugin.wait(timeout=5) == 0
    assert plugin.stdout.read() == b""  # nothing but the handshake line ever reached stdout
    assert b"a stray print" in plugin.stderr.read()
    print("ok")
