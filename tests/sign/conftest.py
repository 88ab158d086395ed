"""Fixtures for signing tests: throwaway OpenPGP keys, plugin directories, a stand-in for grafana.com, gpg."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class ThrowawayKey:
    """A throwaway OpenPGP key generated for one test session. NOT a real key; never use it for anything else."""

    secret: Path
    public: Path
    key_id: str
    name: str


def _generate_key(directory: Path, user_id: str) -> ThrowawayKey:
    from pysequoia import Sig, SignatureMode, Tsk, sign

    tsk = Tsk.generate(user_id)
    directory.mkdir(parents=True, exist_ok=True)
    secret = directory / "THROWAWAY-TEST-KEY.private.asc"
    public = directory / "throwaway-test-key.public.asc"
    secret.write_text(str(tsk))
    public.write_text(str(tsk.extract_certificate()))
    key_id = Sig.from_bytes(sign(tsk.signer(), b"x", mode=SignatureMode.DETACHED)).issuer_key_id
    return ThrowawayKey(secret, public, key_id, user_id.split(" <")[0])


@pytest.fixture(scope="session")
def test_key(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayKey:
    """A throwaway Ed25519 key (pysequoia), generated per session."""
    return _generate_key(tmp_path_factory.mktemp("keys"), "Example Org Test Key <test@example.invalid>")


@pytest.fixture(scope="session")
def other_key(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayKey:
    """A second throwaway key, for "signed by someone else"."""
    return _generate_key(tmp_path_factory.mktemp("other-keys"), "Someone Else <else@example.invalid>")


PLUGIN_JSON = {
    "type": "datasource",
    "name": "Weather",
    "id": "myorg-weather-datasource",
    "backend": True,
    "executable": "gpx_weather",
    "info": {"version": "1.2.3"},
}


@pytest.fixture
def make_dist(tmp_path: Path) -> Callable[..., Path]:
    """Create a small built plugin directory; extra files are given as {relative path: bytes}."""

    def make(
        files: dict[str, bytes] | None = None, *, name: str = "dist", plugin: dict | None = None
    ) -> Path:
        dist = tmp_path / name
        dist.mkdir(parents=True)
        (dist / "plugin.json").write_text(json.dumps(plugin or PLUGIN_JSON, indent=2) + "\n")
        defaults = {
            "module.js": b"define([], function () { return {}; });\n",
            "img/logo.svg": b"<svg/>\n",
            "gpx_weather_linux_amd64": b"\x7fELF\x00binary",
        }
        for rel, content in {**defaults, **(files or {})}.items():
            path = dist / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return dist

    return make


@pytest.fixture
def golden(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a Grafana-signed test plugin (tests/sign/fixtures/grafana/<name>) into tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / "golden" / name
        shutil.copytree(FIXTURES / "grafana" / name, target)
        return target

    return copy


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class SignServer:
    """A local HTTP server standing in for grafana.com's API; `url` is the API base (like GRAFANA_COM_URL)."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"


@pytest.fixture
def sign_server() -> Iterator[SignServer]:
    state = SignServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(
                Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def do_GET(self) -> None:
            state.requests.append(
                Recorded("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, b"")
            )
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def gpg(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `gpg` in a throwaway GNUPGHOME (gnupg is a test dependency: scripts/bootstrap.sh installs it)."""
    exe = shutil.which("gpg")
    if exe is None:
        pytest.fail("The signing tests need the real `gpg`; install gnupg (scripts/bootstrap.sh does).")
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GNUPGHOME": str(home), "LC_ALL": "C"}
        return subprocess.run(
            [exe, "--batch", "--no-tty", *args],
            env=env,
            capture_output=True,
            text=True,
            input=input,
            timeout=120,
        )

    yield run
    if shutil.which("gpgconf"):
        env = {**os.environ, "GNUPGHOME": str(home)}
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False)


def _clearsign(text: str | bytes, key: ThrowawayKey) -> bytes:
    from pysequoia import SignatureMode, Tsk, sign

    data = text.encode() if isinstance(text, str) else text
    signed: bytes = sign(Tsk.from_file(str(key.secret)).signer(), data, mode=SignatureMode.CLEAR)
    return signed


@pytest.fixture(scope="session")
def clearsign() -> Callable[[str | bytes, ThrowawayKey], bytes]:
    """Cleartext-sign arbitrary text with a throwaway key (to craft manifests gpctl itself would not write)."""
    return _clearsign
