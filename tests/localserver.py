"""A real HTTP server on 127.0.0.1 for tests that fetch, and a connection tripwire.

A Python audit hook records every outgoing ``connect`` while a test watches, so
"refused before connecting" is observed, and it blocks any connection to an
address other than loopback, so a regression can never send traffic off this
machine.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = ("127.0.0.1", "::1")
JWKS = {"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                  "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "kid": "k1"}]}


# --- a record of outgoing connections --------------------------------------------

_watchers: list[list[Any]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect" or not _watchers:
        return
    address = args[1]
    for seen in _watchers:
        seen.append(address)
    host = address[0] if isinstance(address, tuple) else address
    if host not in LOOPBACK:
        raise ConnectionRefusedError(f"test tripwire: refused to connect to {address!r}")


sys.addaudithook(_audit)


@contextlib.contextmanager
def watch_connections():
    """Yields the list of addresses connected to inside the block."""
    seen: list[Any] = []
    _watchers.append(seen)
    try:
        yield seen
    finally:
        _watchers.remove(seen)


# --- a real HTTP server -----------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # before the status line
    trickle: float = 0.0  # between body bytes
    trickle_head: bool = False  # trickle the status line and headers too
    content_length: bool = True


class LocalServer:
    """``http.server`` in a thread; routes by path (with query), counts hits per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.request_headers: dict[str, dict[str, str]] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.hits[self.path] += 1
                    server.request_headers[self.path] = dict(self.headers)
                route = server.routes.get(self.path, Route(404, b"not found"))
                try:
                    if route.delay and server.stopping.wait(route.delay):
                        return
                    if route.trickle_head:
                        head = f"HTTP/1.1 {route.status} OK\r\nContent-Length: {len(route.body)}\r\n"
                        head += "".join(f"{name}: {value}\r\n" for name, value in route.headers)
                        self._trickle((head + "\r\n").encode() + route.body, route.trickle)
                        return
                    self.send_response(route.status)
                    for name, value in route.headers:
                        self.send_header(name, value)
                    if route.content_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    if not route.trickle:
                        self.wfile.write(route.body)
                        return
                    self._trickle(route.body, route.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher gave up, as it should

            def _trickle(self, data: bytes, interval: float) -> None:
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    if server.stopping.wait(interval):
                        return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, **route: Any) -> str:
        self.routes[path] = Route(**route)
        return self.url(path)

    def serve_json(self, path: str, document: Any, **route: Any) -> str:
        headers = (("Content-Type", "application/json"),)
        return self.serve(path, body=json.dumps(document).encode(), headers=headers, **route)

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
