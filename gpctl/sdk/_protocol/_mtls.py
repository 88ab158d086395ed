"""go-plugin AutoMTLS: TLS with client certificates when the host sets `PLUGIN_CLIENT_CERT`.

Grafana does not enable AutoMTLS, but other go-plugin hosts do (`ClientConfig.AutoMTLS`). The host generates a
one-time certificate and passes its PEM in `PLUGIN_CLIENT_CERT`; the plugin answers as go-plugin's Go server does:

- generate its own one-time ECDSA P-521 certificate (self-signed, CA, CN/SAN `localhost`, client + server auth,
  valid 30 years);
- serve TLS 1.2+ that requires a client certificate signed by the host's certificate;
- print its certificate's DER, base64 without padding, as the 6th field of the handshake line.

TLS ends in Python's `ssl` module (OpenSSL, which handles go-plugin's P-521 certificates) inside the plugin's own
gRPC server: `serve()` passes `AutoMTLS.ssl_context()` to the server's TCP listener, so the only way in is through
TLS with the host's certificate.

The `cryptography` package (extra `gpctl[mtls]`) is imported only when a host asks for AutoMTLS.
"""

from __future__ import annotations

import base64
import datetime as dt
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["AutoMTLS", "auto_mtls", "generate_certificate", "handshake_field"]

CLIENT_CERT_ENV = "PLUGIN_CLIENT_CERT"
_VALIDITY = dt.timedelta(hours=262980)


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
