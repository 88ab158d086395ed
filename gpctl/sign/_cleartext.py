"""OpenPGP cleartext-signed messages (RFC 4880 §7), decoded with the same leniencies as Grafana's decoder.

Grafana reads MANIFEST.txt with Go's `openpgp/clearsign` package: text before the `BEGIN PGP SIGNED MESSAGE` line
is ignored, only `Hash:` armor headers are accepted, dash-escaping is undone, trailing spaces and tabs are dropped
from every line, and the signed bytes are the lines joined by CRLF without a final line break.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Cleartext", "decode_cleartext"]

_BEGIN = b"-----BEGIN PGP SIGNED MESSAGE-----"
_SIG_BEGIN = b"-----BEGIN PGP SIGNATURE-----"
_SIG_END = b"\n-----END PGP SIGNATURE-----"


@dataclass(frozen=True)
class Cleartext:
    """A decoded cleartext-signed message."""

    signed: bytes
    """The canonical bytes the signature covers (CRLF line ends, no trailing whitespace, no final newline)."""
    plaintext: bytes
    """The message text with `\\n` line ends (what Grafana parses as JSON)."""
    signature: bytes
    """The armored signature block."""
    hashes: tuple[str, ...]
    """The values of the `Hash:` headers."""


def _line(data: bytes) -> tuple[bytes, bytes]:
    index = data.find(b"\n")
    if index < 0:
        line, rest = data, b""
    else:
        line, rest = data[:index], data[index + 1 :]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line.rstrip(b" \t"), rest


def decode_cleartext(data: bytes) -> Cleartext | None:
    """Decode a cleartext-signed message; return None when it is not one (Grafana: "unable to decode")."""
    if data.startswith(_BEGIN):
        rest = data[len(_BEGIN) :]
    else:
        index = data.find(b"\n" + _BEGIN)
        if index < 0:
            return None
        rest = data[index + 1 + len(_BEGIN) :]
    suffix, rest = _line(rest)
    if suffix:
        return None
    hashes: list[str] = []
    while True:
        if not rest:
            return None
        line, rest = _line(rest)
        if not line:
            break
        if any(byte < 0x20 or byte > 0x7E for byte in line) or b":" not in line:
            return None
        key, _, value = line.partition(b":")
        if key.strip() != b"Hash":
            return None
        hashes.append(value.strip().decode("ascii"))
    signed: list[bytes] = []
    plain: list[bytes] = []
    while True:
        start = rest
        line, rest = _line(rest)
        if not line and not rest:
            return None
        if line == _SIG_BEGIN:
            rest = start
            break
        if line.startswith(b"- "):
            line = line[2:]
        signed.append(line)
        plain.append(line + b"\n")
    end = rest.find(_SIG_END)
    if end < 0:
        return None
    end += len(_SIG_END)
    while end < len(rest) and rest[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return Cleartext(b"\r\n".join(signed), b"".join(plain), rest[:end], tuple(hashes))
