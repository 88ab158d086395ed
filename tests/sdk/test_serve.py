"""`serve()` as a process: cookie check, handshake, stdout guard, signals, Shutdown, message limits, argv modes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gpctl.sdk.testing import PluginClient

EXAMPLE = Path(__file__).resolve().parents[1] / "e2e" / "example" / "plugin.py"
HOST_ENV = {
    "grafana_plugin_type": "datasource",
    "PLUGIN_PROTOCOL_VERSIONS": "2",
    "PLUGIN_MIN_PORT": "10000",
    "PLUGIN_MAX_PORT": "25000",
}
COOKIE_MESSAGE = (
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GF_PLUGIN_GRPC_ADDRESS", "PLUGIN_"))}
    env.pop("grafana_plugin_type", None)
    return {**env, **extra}


@contextmanager
def launched(
    env: dict[str, str], args: tuple[str, ...] = ()
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        yield proc, line
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_cookie_mismatch_prints_message_and_exits_1() -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, env=_env(), timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert proc.stderr.decode() == COOKIE_MESSAGE


def test_wrong_cookie_value_is_refused() -> None:
    env = _env(grafana_plugin_type="app")
    proc = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, env=env, timeout=60)
    assert (proc.returncode, proc.stderr.decode()) == (1, COOKIE_MESSAGE)


def test_handshake_then_stdout_stays_clean_and_shutdown_exits() -> None:
    with launched(_env(**HOST_ENV)) as (proc, line):
        assert line.startswith("1|2|tcp|127.0.0.1:")
        assert line.endswith("|grpc\n")
        address = line.split("|")[3]
        with PluginClient.connect(address) as client:
            assert client.ping()
            result = client.query("print")  # prints to stdout from a handler thread
            assert result["A"].status == 200
            proc.send_signal(signal.SIGINT)  # ignored, like Go plugins
            time.sleep(0.2)
            assert proc.poll() is None
            assert client.query("constant", {"value": 1})["A"].status == 200
            started = time.monotonic()
            client.shutdown()
        proc.wait(timeout=5)
        elapsed = time.monotonic() - started
        assert proc.returncode == 0
        assert elapsed < 1.5
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read() == b""  # nothing after the handshake line reached stdout
        stderr = proc.stderr.read().decode()
        assert "stray print from a handler\n" in stderr
        assert '"@message": "plugin serving"' in stderr


def test_sigterm_stops_gracefully() -> None:
    with launched(_env(**HOST_ENV)) as (proc, line):
        assert line.startswith("1|2|tcp|")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0


def test_requests_over_16_mib_are_rejected_and_serving_continues() -> None:
    with launched(_env(**HOST_ENV)) as (_, line), PluginClient.connect(line.split("|")[3]) as client:
        import grpc

        with pytest.raises(grpc.RpcError) as caught:
            client.query("constant", {"value": 1, "pad": "x" * (17 * 1024 * 1024)})
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        big_but_allowed = client.query("constant", {"value": 3, "pad": "x" * (5 * 1024 * 1024)})
        assert big_but_allowed["A"].frames[0].field("value").values == [3.0, 3.0, 3.0]


def test_unix_socket_when_the_host_asks_for_it(tmp_path: Path) -> None:
    with launched(_env(**HOST_ENV, PLUGIN_UNIX_SOCKET_DIR=str(tmp_path))) as (proc, line):
        core, app, network, address, protocol = line.strip().split("|")
        assert (core, app, network, protocol) == ("1", "2", "unix", "grpc")
        assert Path(address).parent == tmp_path
        with PluginClient.connect(f"unix:{address}") as client:
            assert client.check_health().message == "Example datasource is working."
            assert client.ping()
            client.shutdown()
        assert proc.wait(timeout=5) == 0
        assert not Path(address).exists()


def test_buildinfo_and_version() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--buildinfo"], capture_output=True, env=_env(), timeout=60
    )
    assert (out.returncode, out.stdout) == (0, b"{}\n")
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--version"], capture_output=True, env=_env(), timeout=60
    )
    from gpctl import __version__

    assert (out.returncode, out.stdout.decode()) == (0, f"{__version__}\n")


def _first_line(script: Path, env: dict[str, str]) -> str:
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    try:
        assert proc.stdout is not None
        return proc.stdout.readline().decode()
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_locator_mode_points_grafana_at_the_standalone_server(tmp_path: Path) -> None:
    script = tmp_path / "plugin.py"
    script.write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "standalone.txt").write_text("127.0.0.1:5555")
    (tmp_path / "pid.txt").write_text(str(os.getpid()))
    assert _first_line(script, _env(**HOST_ENV)) == "1|2|tcp|127.0.0.1:5555|grpc\n"


def test_locator_stays_up_when_the_host_gives_it_an_empty_stdin(tmp_path: Path) -> None:
    """Grafana run as a service passes /dev/null as stdin; the locator must not take EOF as a reason to exit."""
    env = _env(**HOST_ENV, GF_PLUGIN_GRPC_ADDRESS_GPCTL_EXAMPLE_DATASOURCE="127.0.0.1:7777")
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLE)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().decode() == "1|2|tcp|127.0.0.1:7777|grpc\n"
        time.sleep(0.5)
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_locator_mode_from_the_address_variable(tmp_path: Path) -> None:
    env = _env(**HOST_ENV, GF_PLUGIN_GRPC_ADDRESS_GPCTL_EXAMPLE_DATASOURCE="127.0.0.1:7777")
    assert _first_line(EXAMPLE, env) == "1|2|tcp|127.0.0.1:7777|grpc\n"


def test_stale_standalone_file_falls_back_to_normal_serving(tmp_path: Path) -> None:
    script = tmp_path / "plugin.py"
    script.write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "standalone.txt").write_text("127.0.0.1:5555")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / "pid.txt").write_text(dead.stdout.strip())
    line = _first_line(script, _env(**HOST_ENV))
    assert line.startswith("1|2|tcp|127.0.0.1:")
    assert ":5555|" not in line
