"""`dlsim serve`: the app in a browser, one dlsim process per tab, through textual-serve (`dlsim[web]`).

Everything that can be wrong is said in one line before anything is served: textual-serve missing, a
port or host that cannot be bound. Served on this machine only (127.0.0.1) unless --host says
otherwise, and then one line says what that exposes. Every tab's process inherits this one's
environment, so all of them share the compiled-kernel cache (DLSIM_CACHE_DIR or the default): only
the first tab to need a network's kernels compiles them.
"""
import importlib
import ipaddress
import os
import socket
import sys
from pathlib import Path

from dlsim.errors import UserError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
INSTALL = "pip install 'dlsim[web]'"


def default_max_sessions() -> int:
    """Four tabs a core: a tab mostly waits for its learner, and each process is a few hundred MB."""
    return 4 * (os.cpu_count() or 1)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, max_sessions: int | None = None) -> int:
    max_sessions = default_max_sessions() if max_sessions is None else max_sessions
    if max_sessions < 1:
        raise UserError(f"--max-sessions {max_sessions}: give at least 1")
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: a port is a number from 1 to 65535")
    try:
        importlib.import_module("textual_serve")
    except ImportError:
        raise UserError(f"dlsim serve needs textual-serve: {INSTALL}") from None
    addresses = bindable(host, port)
    warning = exposure(host, port, addresses)
    if warning:
        print(warning, file=sys.stderr)
    share_this_checkout()
    from dlsim.web.server import DlsimServer
    name = f"[{host}]" if ":" in host else host
    server = DlsimServer(host, port, max_sessions, loopback=warning is None, url=f"http://{name}:{port}")
    try:
        server.serve()
    except OSError as error:   # bound a moment ago; taken since
        raise UserError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return 0


def exposure(host: str, port: int, addresses: list[str]) -> str | None:
    """The one line said when the server listens beyond this machine (None when it does not)."""
    if all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return None
    return (f"dlsim serve: listening on {host} ({', '.join(addresses)}): anyone who can reach this machine "
            f"on port {port} can open dlsim sessions here, with no password and no encryption, and read "
            f"or write what this user can through the app's files")


def bindable(host: str, port: int) -> list[str]:
    """The addresses `host` names, after checking that each one can listen on `port` now."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise UserError(f"--host {host!r}: not an address of this machine ({getattr(error, 'strerror', error)})") from None
    addresses = []
    for family, kind, proto, _, address in found:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server will
            try:
                probe.bind(address)
            except OSError as error:
                raise UserError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
        addresses.append(address[0])
    return sorted(set(addresses))


def share_this_checkout() -> None:
    """Each tab runs `python -m dlsim`: from a checkout (not an install) it must find this same one
    whatever directory the server was started in."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file():
        paths = [str(root)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join(paths)
