"""`serve_standalone()`: only the pluginv2 services on a fixed address, no handshake, stops on SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gpctl.sdk.testing import PluginClient

EXAMPLE_DIR = Path(__file__).resolve().parents[1] / "e2e" / "example"
CODE = (
    "import sys\n"
    f"sys.path.insert(0, {str(EXAMPLE_DIR)!r})\n"
    "from plugin import ds\n"
    "from gpctl.sdk import serve_standalone\n"
    "serve_standalone(ds, ready=lambda address: print('ready', address, flush=True))\n"
    "print('stopped', flush=True)\n"
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_standalone_server_serves_pluginv2_only_and_stops_on_signals(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CODE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        word, address = proc.stdout.readline().split()
        assert word == "ready" and address.startswith("127.0.0.1:")
        with PluginClient.connect(address, json_data={"foo": "x"}) as client:
            assert client.query("constant", {"value": 4})["A"].frames[0].field("value").values == [
                4.0,
                4.0,
                4.0,
            ]
            assert client.check_health().details == {"foo": "x", "secretKeys": []}
            assert not client.ping()  # no go-plugin housekeeping in standalone mode
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == "stopped\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
