"""`grpc.health.v1.Health/Check`, the health service go-plugin expects, on raw bytes.

The two messages are tiny (`HealthCheckRequest{string service = 1}`, `HealthCheckResponse{ServingStatus status =
1}`), so they are encoded here instead of importing a second set of generated stubs before the handshake. Go
plugins answer SERVING for `plugin` and `""`; other names get NOT_FOUND, like grpc-go's health server.
"""

from __future__ import annotations

from ._wire import Method, Server, ServicerContext, StatusCode

__all__ = ["SERVICE", "add_health", "check_request", "is_serving"]

SERVICE = "grpc.health.v1.Health"
_SERVING = b"\x08\x01"
_SERVED = {"", "plugin"}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def service_name(request: bytes) -> str:
    """The `service` field of a serialized `HealthCheckRequest` (unknown fields skipped)."""
    pos, name = 0, ""
    while pos < len(request):
        key, pos = _varint(request, pos)
        wire = key & 7
        if wire == 2:
            size, pos = _varint(request, pos)
            if key >> 3 == 1:
                name = request[pos : pos + size].decode("utf-8", "replace")
            pos += size
        elif wire == 0:
            _, pos = _varint(request, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            break
    return name


async def _check(request: bytes, context: ServicerContext) -> bytes:
    name = service_name(request)
    if name not in _SERVED:
        await context.abort(StatusCode.NOT_FOUND, f"unknown service {name}")
    return _SERVING


def add_health(server: Server) -> None:
    server.add_method(f"/{SERVICE}/Check", Method(_check))


def check_request(service: str) -> bytes:
    encoded = service.encode()
    return b"\x0a" + bytes([len(encoded)]) + encoded if encoded else b""


def is_serving(response: bytes) -> bool:
    return response == _SERVING
