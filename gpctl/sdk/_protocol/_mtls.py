"""go-plugin AutoMTLS: TLS with client certificates when the host sets `PLUGIN_CLIENT_CERT`.

Grafana does not enable AutoMTLS, but other go-plugin hosts do (`ClientConfig.AutoMTLS`). The host generates a
one-time certificate and passes its PEM in `PLUGIN_CLIENT_CERT`; the plugin answers as go-plugin's Go server does:

- generate its own one-time ECDSA P-521 certificate (self-signed, CA, CN/SAN `localhost`, client + server auth,
  valid 30 years);
- serve TLS 1.2+ that requires a client certificate signed by the host's certificate;
- print its certificate's DER, base64 without padding, as the 6th field of the handshake line.

grpcio's TLS stack (BoringSSL) neither signs nor verifies P-521 signatures in TLS, and go-plugin's client certificate
is always P-521, so gRPC's own TLS cannot do this. Instead `TlsTerminator` accepts TLS with Python's `ssl` module
(OpenSSL), checks the client certificate, and relays the decrypted HTTP/2 bytes to the plaintext gRPC server on a
Unix socket in a private (0700) directory, so the only way in is through TLS.

The `cryptography` package (extra `gpctl[mtls]`) is imported only when a host asks for AutoMTLS.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import ssl
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["AutoMTLS", "TlsTerminator", "auto_mtls", "generate_certificate", "handshake_field"]

CLIENT_CERT_ENV = "PLUGIN_CLIENT_CERT"
_VALIDITY = dt.timedelta(hours=262980)
_CHUNK = 256 * 1024


def handshake_field(der: bytes) -> str:
    """Encode a DER certificate for the handshake line: base64 without padding (Go's `RawStdEncoding`)."""
    return base64.b64encode(der).decode().rstrip("=")


def generate_certificate(curve: Literal["P-521", "P-256"] = "P-521") -> tuple[bytes, bytes, bytes]:
    """Generate a one-time certificate like go-plugin's; return `(cert_pem, key_pem, cert_der)`."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        raise RuntimeError(
            "The go-plugin host asked for AutoMTLS (`PLUGIN_CLIENT_CERT` is set) but the `cryptography` package "
            "is missing; install `gpctl[mtls]`."
        ) from None

    if curve == "P-521":
        key = ec.generate_private_key(ec.SECP521R1())
        digest: hashes.SHA256 | hashes.SHA512 = hashes.SHA512()
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        digest = hashes.SHA256()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=True,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(seconds=30))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]),
            critical=False,
        )
        .sign(key, digest)
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem, cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class AutoMTLS:
    """The certificates of one AutoMTLS session; `handshake_cert` goes into the handshake line's 6th field."""

    client_pem: bytes
    cert_pem: bytes
    key_pem: bytes
    handshake_cert: str

    def ssl_context(self) -> ssl.SSLContext:
        """A TLS 1.2+ server context that requires a client certificate signed by the host's certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cadata=self.client_pem.decode())
        context.set_alpn_protocols(["h2"])
        with tempfile.TemporaryDirectory(prefix="gpctl-mtls-") as tmp:
            cert, key = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
            key.touch(mode=0o600)
            key.write_bytes(self.key_pem)
            cert.write_bytes(self.cert_pem)
            context.load_cert_chain(cert, key)
        return context


def auto_mtls(env: Mapping[str, str], *, curve: Literal["P-521", "P-256"] = "P-521") -> AutoMTLS | None:
    """Return the AutoMTLS setup when `env` has `PLUGIN_CLIENT_CERT`, else `None` (plaintext, as for Grafana)."""
    client_pem = env.get(CLIENT_CERT_ENV, "").strip()
    if not client_pem:
        return None
    cert_pem, key_pem, der = generate_certificate(curve)
    from cryptography import x509

    try:
        x509.load_pem_x509_certificates(client_pem.encode())
    except ValueError:
        raise ValueError(
            f"`{CLIENT_CERT_ENV}` does not hold a PEM certificate, so AutoMTLS cannot be set up."
        ) from None
    return AutoMTLS(client_pem.encode() + b"\n", cert_pem, key_pem, handshake_field(der))


def private_socket_path() -> str:
    """A Unix socket path inside a fresh 0700 directory, for the plaintext server behind the terminator."""
    directory = tempfile.mkdtemp(prefix="gpctl-plugin-")
    Path(directory).chmod(0o700)
    return str(Path(directory) / "grpc.sock")


class TlsTerminator:
    """Accept mutual TLS on `127.0.0.1:<port>` and relay each connection to the plaintext gRPC `inner` address.

    Runs its own event loop in a daemon thread. `inner` is `unix:/path` or `host:port`.
    """

    def __init__(self, tls: AutoMTLS, inner: str, host: str = "127.0.0.1") -> None:
        self.tls = tls
        self.inner = inner
        self.host = host
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> str:
        """Start listening; return the `host:port` to put in the handshake line."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._relay, self.host, 0, ssl=self.tls.ssl_context())
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # reported to start()
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="gpctl-automtls", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self.address

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        def close() -> None:
            server.close()
            loop.stop()

        loop.call_soon_threadsafe(close)
        if self._thread is not None:
            self._thread.join(2)

    async def _open_inner(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.inner.startswith("unix:"):
            return await asyncio.open_unix_connection(self.inner[len("unix:") :])
        host, _, port = self.inner.rpartition(":")
        return await asyncio.open_connection(host, int(port))

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            inner_reader, inner_writer = await self._open_inner()
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, inner_writer), _pipe(inner_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    except (OSError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError, ssl.SSLError):
            writer.close()
