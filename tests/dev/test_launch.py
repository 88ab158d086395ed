"""`gpctl.launch`: handshake parsing and the error paths of launching, with small fake executables."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from gpctl.errors import DevError
from gpctl.launch import Handshake, launch_plugin, parse_handshake


def _script(tmp_path: Path, body: str, name: str = "gpx_fake_linux_amd64") -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1|2|tcp|127.0.0.1:1234|grpc", Handshake(1, 2, "tcp", "127.0.0.1:1234", "grpc")),
        ("1|2|tcp|127.0.0.1:1234|grpc\r\n", Handshake(1, 2, "tcp", "127.0.0.1:1234", "grpc")),
        ("1|2|tcp|:1234|grpc|", Handshake(1, 2, "tcp", "127.0.0.1:1234", "grpc")),
        ("1|2|unix|/var/run/gpx.sock|grpc|", Handshake(1, 2, "unix", "unix:/var/run/gpx.sock", "grpc")),
        ("1|2|tcp|127.0.0.1:9|grpc|Q0VSVA", Handshake(1, 2, "tcp", "127.0.0.1:9", "grpc", "Q0VSVA")),
    ],
)
def test_parse_good_lines(line: str, expected: Handshake) -> None:
    assert parse_handshake(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "hello",
            "Unrecognized remote plugin message: `hello`; the first stdout line must be the handshake, "
            "e.g. `1|2|tcp|127.0.0.1:PORT|grpc`.",
        ),
        (
            "2|2|tcp|127.0.0.1:1|grpc",
            "Incompatible core API version `2` in handshake line `2|2|tcp|127.0.0.1:1|grpc`; go-plugin needs `1`.",
        ),
        (
            "1|1|tcp|127.0.0.1:1|grpc",
            "Incompatible API version `1` in handshake line `1|1|tcp|127.0.0.1:1|grpc`; Grafana needs `2`.",
        ),
        (
            "1|2|tcp|127.0.0.1:1",
            "Handshake line `1|2|tcp|127.0.0.1:1` names no protocol, which means `netrpc`; "
            "Grafana accepts only `grpc`.",
        ),
        (
            "1|2|tcp|127.0.0.1:1|netrpc",
            "Unsupported protocol `netrpc` in handshake line `1|2|tcp|127.0.0.1:1|netrpc`; "
            "Grafana accepts only `grpc`.",
        ),
        (
            "1|2|udp|127.0.0.1:1|grpc",
            "Unknown address type `udp` in handshake line `1|2|udp|127.0.0.1:1|grpc`; expected `tcp` or `unix`.",
        ),
        (
            "1|2|tcp|localhost|grpc",
            "Address `localhost` in handshake line `1|2|tcp|localhost|grpc` is not `HOST:PORT`.",
        ),
        (
            "1|2|unix|plugin.sock|grpc",
            "Unix socket path `plugin.sock` in handshake line `1|2|unix|plugin.sock|grpc` must be absolute.",
        ),
    ],
)
def test_parse_bad_lines(line: str, message: str) -> None:
    with pytest.raises(DevError) as info:
        parse_handshake(line)
    assert info.value.message == message


def test_stray_print_before_handshake(tmp_path: Path) -> None:
    exe = _script(tmp_path, 'echo hello\necho "1|2|tcp|127.0.0.1:1|grpc"\nsleep 5')
    with pytest.raises(DevError) as info:
        launch_plugin(exe, timeout=5)
    assert info.value.message.startswith("Unrecognized remote plugin message: `hello`;")
    assert info.value.hint == (
        "Nothing may be printed to stdout before the handshake line; plugin code should log, not print."
    )


def test_early_exit_hint_skips_the_bundle_bootloader_line(tmp_path: Path) -> None:
    exe = _script(
        tmp_path,
        "echo 'ModuleNotFoundError: No module named weather' >&2\n"
        "echo \"[PYI-4242:ERROR] Failed to execute script 'entry' due to unhandled exception!\" >&2\nexit 1",
    )
    with pytest.raises(DevError) as info:
        launch_plugin(exe, timeout=5)
    assert info.value.hint == "Its last stderr line: `ModuleNotFoundError: No module named weather`."


def test_early_exit_reports_code_and_stderr(tmp_path: Path) -> None:
    exe = _script(tmp_path, "echo 'ModuleNotFoundError: No module named weather' >&2\nexit 3")
    with pytest.raises(DevError) as info:
        launch_plugin(exe, timeout=5)
    assert info.value.message == (
        f"Plugin `{exe}` exited with code 3 before printing its handshake line "
        "(Grafana: plugin exited before we could connect)."
    )
    assert info.value.hint == "Its last stderr line: `ModuleNotFoundError: No module named weather`."


def test_silent_plugin_times_out(tmp_path: Path) -> None:
    exe = _script(tmp_path, "exec sleep 30")
    with pytest.raises(DevError) as info:
        launch_plugin(exe, timeout=0.3)
    assert info.value.message == (
        f"Plugin `{exe}` printed no handshake line within 0.3 s (Grafana: timeout while waiting for plugin to start)."
    )
    assert info.value.hint is None


def test_missing_and_not_executable(tmp_path: Path) -> None:
    with pytest.raises(DevError) as info:
        launch_plugin(tmp_path / "nope")
    assert info.value.message == f"Plugin executable `{tmp_path / 'nope'}` does not exist."
    exe = _script(tmp_path, "exit 0")
    exe.chmod(0o644)
    with pytest.raises(DevError) as info:
        launch_plugin(exe)
    assert info.value.message == f"Plugin executable `{exe}` is not executable."
    assert info.value.hint == f"Run `chmod +x {exe}`."


def test_exec_format_error(tmp_path: Path) -> None:
    exe = tmp_path / "gpx_bin"
    exe.write_bytes(b"\x00\x01not a program")
    exe.chmod(0o755)
    with pytest.raises(DevError) as info:
        launch_plugin(exe)
    assert info.value.message == f"Cannot start plugin executable `{exe}`: Exec format error."


def test_environment_args_cwd_and_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GF_VERSION", "from-host")
    monkeypatch.setenv("grafana_plugin_type", "overridden-by-go-plugin")
    report = tmp_path / "report.json"
    body = (
        f'python3 -c \'import json, os, sys; json.dump({{"env": dict(os.environ), "argv": sys.argv[1:], '
        f'"cwd": os.getcwd()}}, open("{report}", "w"))\' "$@"\n'
        'echo "1|2|tcp|127.0.0.1:45678|grpc"\necho "late stdout"\necho "[INFO] some log" >&2\nexec sleep 30'
    )
    exe = _script(tmp_path, body)
    workdir = tmp_path / "grafana-home"
    workdir.mkdir()
    with launch_plugin(exe, cwd=workdir, env={"GF_PLUGIN_FOO": "bar"}) as plugin:
        assert plugin.address == "127.0.0.1:45678"
        assert plugin.handshake_ms > 0
        data = json.loads(report.read_text(encoding="utf-8"))
        for _ in range(100):
            if plugin.stdout_lines and plugin.stderr_lines:
                break
            time.sleep(0.01)
        assert plugin.stdout_lines == ["late stdout"]
        assert plugin.stderr_lines == ["[INFO] some log"]
        stopped_ms = plugin.stop(timeout=0.2)
    assert plugin.process.returncode == -9
    assert 150 < stopped_ms < 5000
    assert data["argv"] == []
    assert data["cwd"] == str(workdir)
    env = data["env"]
    assert env["grafana_plugin_type"] == "datasource"
    assert env["PLUGIN_PROTOCOL_VERSIONS"] == "2"
    assert (env["PLUGIN_MIN_PORT"], env["PLUGIN_MAX_PORT"]) == ("10000", "25000")
    assert env["GF_VERSION"] == "from-host"  # the host's environment comes after Grafana's own list
    assert env["GF_EDITION"] == "Open Source"
    assert env["GF_PLUGIN_FOO"] == "bar"
