"""`serve()`: run a plugin the way Grafana's go-plugin client expects; `serve_standalone()` for `gpctl dev`.

Under a host: check the magic cookie, listen on 127.0.0.1 (or a Unix socket in `PLUGIN_UNIX_SOCKET_DIR`), print the
handshake line `1|2|tcp|127.0.0.1:PORT|grpc` once listening, then send anything written to stdout to stderr; log
hclog JSON on stderr; ignore SIGINT; stop on `GRPCController.Shutdown` or SIGTERM and exit the process. The socket
is bound before asyncio and the server are imported (`_listen`), so the handshake line waits only for the plugin's
own module; calls wait in the accept queue until the server is ready.

Locator mode (protocol.md §3.5): when `standalone.txt` sits next to the executable, or
`GF_PLUGIN_GRPC_ADDRESS_<ID>` is set, and the developer's server named by `pid.txt` is alive, only print its
address as the handshake and stay alive serving nothing, so Grafana talks to that server directly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from gpctl.sdk._dispatch import Runtime
    from gpctl.sdk._listen import Listener
    from gpctl.sdk._plugin import _Plugin

__all__ = ["COOKIE_KEY", "COOKIE_VALUE", "locator_address", "serve", "serve_standalone"]

COOKIE_KEY = "grafana_plugin_type"
COOKIE_VALUE = "datasource"
COOKIE_MESSAGE = (
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n"
)
logger = logging.getLogger("gpctl.sdk")


def _address_env(plugin_id: str) -> str:
    return "GF_PLUGIN_GRPC_ADDRESS_" + plugin_id.upper().replace("-", "_")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: str) -> str | None:
    """The stripped text of file `path`, None when it is not a file (os.path: pathlib is not loaded to listen)."""
    if not os.path.isfile(path):  # noqa: PTH113
        return None
    with open(path, encoding="utf-8") as file:
        return file.read().strip()


def locator_address(plugin_id: str, env: Mapping[str, str] | None = None) -> str | None:
    """The standalone server's address when this process should run as a locator, else `None`."""
    env = os.environ if env is None else env
    dirs: list[str] = []
    for candidate in (sys.executable, sys.argv[0] if sys.argv else ""):
        if candidate:
            directory = os.path.dirname(os.path.realpath(candidate))  # noqa: PTH120
            if directory not in dirs:
                dirs.append(directory)
    address = env.get(_address_env(plugin_id), "").strip()
    folder: str | None = None
    for directory in dirs:
        text = _read(os.path.join(directory, "standalone.txt"))  # noqa: PTH118
        if text:
            folder = directory
            address = address or text
            break
    if not address:
        return None
    for directory in [folder] if folder else dirs:
        text = _read(os.path.join(directory, "pid.txt"))  # noqa: PTH118
        if text is not None:
            try:
                pid = int(text)
            except ValueError:
                return None
            if not _pid_alive(pid):
                return None
    return address


def _run_locator(address: str) -> NoReturn:
    host_port = address[1:] if address.startswith(":") else address
    if host_port == address and ":" not in address:
        host_port = f"127.0.0.1:{address}"
    _write_handshake("tcp", host_port)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Serve nothing and live until the host kills us (Grafana sends SIGKILL after Shutdown's grace). stdin is not
    # watched: Grafana often passes /dev/null, and an exit would make it restart the plugin every second. A host
    # that went away is noticed when the periodic stdout line fails.
    while True:
        time.sleep(10)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        try:
            sys.stdout.write(f"[{stamp}] using address: {host_port}\n")
            sys.stdout.flush()
        except OSError:
            os._exit(0)


def _handle_argv(build_info: Mapping[str, str] | None) -> None:
    args = sys.argv[1:]
    if "--buildinfo" in args or "-buildinfo" in args:
        import json

        sys.stdout.write(json.dumps(dict(build_info or {})) + "\n")
        sys.stdout.flush()
        raise SystemExit(0)
    if "--version" in args or "-version" in args:
        from gpctl import __version__

        sys.stdout.write(str((build_info or {}).get("version", __version__)) + "\n")
        sys.stdout.flush()
        raise SystemExit(0)


def _guard_stdout() -> None:
    """After the handshake nothing may reach fd 1: point it (and `sys.stdout`) at stderr."""
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def _warm_up() -> None:
    """Import what the first queries need (frames) in the background, after the handshake."""
    try:
        from gpctl.sdk.data import Field, Frame

        Frame("warm-up", Field("v", [1.0])).to_arrow()
    except Exception:  # pragma: no cover - an import failure shows on first use instead
        pass


def _use_system_allocator() -> None:
    """Let pyarrow allocate with malloc unless the environment chose: a 1M-row frame encodes ~4x faster here.

    Set before pyarrow is imported (it reads the variable once); a built plugin's entry script does the same.
    """
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def serve(plugin: _Plugin, *, build_info: Mapping[str, str] | None = None) -> NoReturn:
    """Serve `plugin` to a go-plugin host (Grafana) until it shuts the plugin down; never returns."""
    _handle_argv(build_info)
    address = locator_address(plugin.plugin_id)
    if address is not None:
        _run_locator(address)
    if os.environ.get(COOKIE_KEY) != COOKIE_VALUE:
        sys.stderr.write(COOKIE_MESSAGE)
        sys.stderr.flush()
        raise SystemExit(1)
    from gpctl.sdk import _logging

    _logging.install(logging.DEBUG)
    _use_system_allocator()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _note_terminate)  # until the event loop handles it
    listener = None
    if not os.environ.get("PLUGIN_CLIENT_CERT", "").strip():
        from gpctl.sdk._listen import bind

        listener = bind()
        _handshake(listener.network, listener.shown)
    import asyncio

    code = asyncio.run(_serve(plugin, listener))
    sys.stderr.flush()
    os._exit(code)


_terminate_requested = False


def _note_terminate(signum: int, frame: object) -> None:
    global _terminate_requested
    _terminate_requested = True


def _write_handshake(network: str, address: str, cert: str = "") -> None:
    """go-plugin's handshake line: core protocol 1, app protocol 2, the address, gRPC, and AutoMTLS's cert."""
    sys.stdout.write(f"1|2|{network}|{address}|grpc{cert}\n")
    sys.stdout.flush()


def _handshake(network: str, shown: str, cert: str = "") -> None:
    _write_handshake(network, shown, cert)
    _guard_stdout()


def _runtime(plugin: _Plugin) -> Callable[[], Runtime]:
    def make() -> Runtime:
        from gpctl.sdk._dispatch import Runtime

        return Runtime(plugin)

    return make


async def _serve(plugin: _Plugin, listener: Listener | None) -> int:
    """Serve on `listener` (the handshake line is out), or set up AutoMTLS and print the line here."""
    import asyncio

    from gpctl.sdk._protocol._server import PluginServer

    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    if _terminate_requested:
        done.set()
    server = PluginServer(
        _runtime(plugin), plugin_id=plugin.plugin_id, housekeeping=True, on_shutdown=done.set
    )
    if listener is not None:
        network, shown = listener.network, listener.shown
        await server.start(sock=listener.socket())
    else:
        from gpctl.sdk._protocol._mtls import auto_mtls

        mtls = auto_mtls(os.environ)
        assert mtls is not None  # PLUGIN_CLIENT_CERT is set: that is why there is no listener
        network = "tcp"
        shown = await server.start("127.0.0.1:0", ssl=mtls.ssl_context())
        _handshake(network, shown, "|" + mtls.handshake_cert)
    # pyarrow loads in the background, a moment later: the host connects and opens its streams right after the
    # handshake, and an import holding the GIL meanwhile would delay that first answer by ~20 ms.
    warm = threading.Thread(target=_warm_up, name="gpctl-warm-up", daemon=True)
    loop.call_later(0.05, warm.start)
    logger.debug(
        "plugin serving", extra={"address": shown, "services": ",".join(server.services), "pid": os.getpid()}
    )
    waiter = asyncio.ensure_future(server.wait())
    stopper = asyncio.ensure_future(done.wait())
    await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    logger.debug("plugin exiting")
    try:
        await asyncio.wait_for(server.stop(0.2), timeout=1.0)
    except (asyncio.TimeoutError, Exception) as exc:  # exit anyway: the host waits only 2 s
        logger.debug("stopping the server did not finish cleanly: %s", exc)
    if network == "unix":
        with contextlib.suppress(FileNotFoundError):
            os.unlink(shown)  # noqa: PTH108
    return 0


def serve_standalone(
    plugin: _Plugin, address: str = "127.0.0.1:0", *, ready: Callable[[str], None] | None = None
) -> None:
    """Serve only the pluginv2 services on `address` (no handshake) until SIGINT/SIGTERM; for `gpctl dev`.

    `ready(bound_address)` is called once the server listens.
    """
    import asyncio

    _use_system_allocator()
    asyncio.run(_standalone(plugin, address, ready))


async def _standalone(plugin: _Plugin, address: str, ready: Callable[[str], None] | None) -> None:
    import asyncio

    from gpctl.sdk._dispatch import Runtime
    from gpctl.sdk._protocol._server import PluginServer

    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    server = PluginServer(Runtime(plugin), housekeeping=False)
    bound = await server.start(address)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
    if ready is not None:
        ready(bound)
    waiter = asyncio.ensure_future(server.wait())
    stopper = asyncio.ensure_future(done.wait())
    await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    await server.stop(0.5)
