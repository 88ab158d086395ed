"""AutoMTLS: go-plugin's certificate shape, and the SDK's gRPC server serving TLS to clients presenting a client
certificate as go-plugin does."""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gpctl.sdk._protocol._mtls import AutoMTLS, auto_mtls, generate_certificate, handshake_field
from gpctl.sdk._protocol._wire import Method, Server, ServicerContext


def test_certificate_matches_go_plugin() -> None:
    cert_pem, key_pem, der = generate_certificate()
    cert = x509.load_der_x509_certificate(der)
    assert x509.load_pem_x509_certificate(cert_pem) == cert
    key = cert.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp521r1"
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "localhost"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH}
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 29.9 < years < 30.1
    assert b"EC PRIVATE KEY" in key_pem


def test_handshake_field_is_unpadded_base64() -> None:
    assert handshake_field(b"\x01\x02") == "AQI"
    _, _, der = generate_certificate()
    field = handshake_field(der)
    assert "=" not in field and "\n" not in field
    assert base64.b64decode(field + "=" * (-len(field) % 4)) == der


def test_plaintext_without_client_cert() -> None:
    assert auto_mtls({}) is None


def test_bad_client_cert_is_a_sentence() -> None:
    with pytest.raises(ValueError) as info:
        auto_mtls({"PLUGIN_CLIENT_CERT": "not a certificate"})
    assert (
        str(info.value)
        == "`PLUGIN_CLIENT_CERT` does not hold a PEM certificate, so AutoMTLS cannot be set up."
    )


def _pem_from_field(field: str) -> bytes:
    der = base64.b64decode(field + "=" * (-len(field) % 4))
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


async def _echo(request: bytes, context: ServicerContext) -> bytes:
    return b"pong:" + request


@contextmanager
def _tls_server(tls: AutoMTLS) -> Iterator[str]:
    """The SDK's own server with one raw-bytes method, serving TLS on loopback from an event loop in a thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = Server(max_receive=1024 * 1024)
    server.add_method("/test.Echo/Echo", Method(_echo))
    start = server.start("127.0.0.1:0", ssl=tls.ssl_context())
    address = asyncio.run_coroutine_threadsafe(start, loop).result(5)
    try:
        yield address
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(0.1), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@pytest.fixture(scope="module")
def p256_server() -> Iterator[tuple[str, bytes, bytes, bytes]]:
    """grpcio's TLS cannot do P-521, so the grpcio-client tests use P-256 certificates on both sides."""
    client_cert, client_key, _ = generate_certificate("P-256")
    tls = auto_mtls({"PLUGIN_CLIENT_CERT": client_cert.decode()}, curve="P-256")
    assert tls is not None
    with _tls_server(tls) as address:
        yield address, _pem_from_field(tls.handshake_cert), client_cert, client_key


def _call(address: str, creds: grpc.ChannelCredentials) -> bytes:
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(address, creds, options=options) as channel:
        result: bytes = channel.unary_unary("/test.Echo/Echo")(b"ping", timeout=5)
        return result


def test_grpc_client_with_host_cert_is_served(p256_server: tuple[str, bytes, bytes, bytes]) -> None:
    address, server_pem, client_cert, client_key = p256_server
    creds = grpc.ssl_channel_credentials(server_pem, private_key=client_key, certificate_chain=client_cert)
    assert _call(address, creds) == b"pong:ping"
    assert _call(address, creds) == b"pong:ping"


def test_grpc_client_without_cert_is_rejected(p256_server: tuple[str, bytes, bytes, bytes]) -> None:
    address, server_pem, _, _ = p256_server
    with pytest.raises(grpc.RpcError) as info:
        _call(address, grpc.ssl_channel_credentials(server_pem))
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE


def test_grpc_client_with_other_cert_is_rejected(p256_server: tuple[str, bytes, bytes, bytes]) -> None:
    address, server_pem, _, _ = p256_server
    other_cert, other_key, _ = generate_certificate("P-256")
    creds = grpc.ssl_channel_credentials(server_pem, private_key=other_key, certificate_chain=other_cert)
    with pytest.raises(grpc.RpcError) as info:
        _call(address, creds)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE


def test_p521_client_cert_like_go_plugin_passes_tls(tmp_path: Path) -> None:
    """go-plugin's own shape (P-521 on both sides) through OpenSSL: handshake, ALPN h2, then an HTTP/2 answer."""
    client_cert, client_key, _ = generate_certificate()
    tls = auto_mtls({"PLUGIN_CLIENT_CERT": client_cert.decode()})
    assert tls is not None
    (tmp_path / "c.pem").write_bytes(client_cert)
    (tmp_path / "k.pem").write_bytes(client_key)
    context = ssl.create_default_context(cadata=_pem_from_field(tls.handshake_cert).decode())
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    context.set_alpn_protocols(["h2"])
    with _tls_server(tls) as address:
        host, port = address.split(":")
        raw = socket.create_connection((host, int(port)), timeout=5)
        with context.wrap_socket(raw, server_hostname="localhost") as conn:
            assert conn.selected_alpn_protocol() == "h2"
            conn.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            frame = conn.recv(9)
            assert frame[3] == 0x04  # the server answers the preface with an HTTP/2 SETTINGS frame


def test_tls_on_a_unix_socket_is_refused(tmp_path: Path) -> None:
    client_cert, _, _ = generate_certificate("P-256")
    tls = auto_mtls({"PLUGIN_CLIENT_CERT": client_cert.decode()}, curve="P-256")
    assert tls is not None

    async def start() -> None:
        await Server(max_receive=1024).start(f"unix:{tmp_path}/s.sock", ssl=tls.ssl_context())

    with pytest.raises(ValueError) as info:
        asyncio.run(start())
    assert str(info.value) == "TLS is served on TCP only, not on a Unix socket."
