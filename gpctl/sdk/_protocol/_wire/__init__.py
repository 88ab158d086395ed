"""A gRPC server on asyncio that speaks HTTP/2 itself: what a plugin needs, without grpcio's import and threads.

Grafana's go-plugin client is its peer. Each connection is an `asyncio.Protocol` (frames, HPACK via `hpack`,
flow control); each call runs its handler in a task with a grpc.aio-shaped `ServicerContext`.
"""

from ._call import AbortError, Method, ServicerContext, StatusCode
from ._server import Server, add_service

__all__ = ["AbortError", "Method", "Server", "ServicerContext", "StatusCode", "add_service"]
