"""Fetch a remote JSON document (a client's ``jwks_uri``) without becoming an SSRF tool.

https only (plain http to loopback only while ``DEBUG``); every address the name
resolves to must be public unless it is that debug loopback case; the connection is
pinned to the checked address so a second DNS answer cannot swap it; no redirects;
a timeout for the whole exchange; and a cap on the body size.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from ..conf import app_settings
from . import untrusted_json


class FetchError(Exception):
    """The document could not be fetched safely. The message is for logs."""


class Unresolvable(FetchError):
    """The name does not resolve (now)."""


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"cannot resolve {host!r}") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


# IPv6 forms that carry an IPv4 address a gateway or tunnel will connect to.
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 §2.1
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: any RFC 6052 prefix length from /48
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 §2.5.5.1 (deprecated, still routed by some stacks)
# RFC 6052 §2.2: where the IPv4 address sits for each prefix length (bits 64-71 are skipped).
_RFC6052_OFFSETS = {48: (6, 8, 9, 11), 56: (7, 8, 9, 12), 64: (9, 13, 13, 13), 96: (12, 16, 16, 16)}


def _rfc6052_ipv4(address: ipaddress.IPv6Address, prefix_length: int) -> ipaddress.IPv4Address:
    a, b, c, d = _RFC6052_OFFSETS[prefix_length]
    packed = address.packed
    return ipaddress.IPv4Address(packed[a:b] + packed[c:d])


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition address leads to: IPv4-mapped,
    IPv4-compatible, 6to4 (RFC 3056), Teredo (RFC 4380: server and client) and NAT64
    (RFC 6052, RFC 8215: every position the prefix length allows)."""
    if address.ipv4_mapped:
        return [address.ipv4_mapped]
    if address.teredo:
        return list(address.teredo)
    if address.sixtofour:
        return [address.sixtofour]
    if address in NAT64_WELL_KNOWN:
        return [_rfc6052_ipv4(address, 96)]
    if address in NAT64_LOCAL:
        return [_rfc6052_ipv4(address, length) for length in _RFC6052_OFFSETS]
    if address in IPV4_COMPATIBLE and int(address) > 1:  # not :: or ::1
        return [ipaddress.IPv4Address(address.packed[12:])]
    return []


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a fetch may connect to ``address``: a global unicast address, and for
    an IPv6 transition address, every IPv4 address it leads to by the IPv4 rules."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded:
            return all(is_public(ipv4) for ipv4 in embedded)
    return address.is_global and not address.is_multicast


class Target(NamedTuple):
    scheme: str
    host: str
    port: int
    address: str
    path: str


def check_url(url: str) -> Target:
    try:
        parts = urlsplit(url)
        explicit_port = parts.port
    except ValueError as exc:  # e.g. a port out of range, which URLValidator lets through
        raise FetchError(f"malformed URL: {exc}") from exc
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise FetchError("URL must name a host and carry no credentials")
    if parts.scheme not in ("https", "http"):
        raise FetchError("only https URLs are fetched")
    port = explicit_port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    loopback_only = all(a.is_loopback for a in addresses)
    if parts.scheme == "http" and not (settings.DEBUG and loopback_only):
        raise FetchError("plain http is refused (allowed only to loopback while DEBUG)")
    if not (settings.DEBUG and loopback_only):
        for address in addresses:
            if not is_public(address):
                raise FetchError(f"{host!r} resolves to non-public address {address}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, str(addresses[0]), path)


def check_registrable(url: str) -> None:
    """Refuse a URL that this module would never fetch; a name that does not resolve
    yet passes, since every fetch applies the rules again."""
    with contextlib.suppress(Unresolvable):
        check_url(url)


class _Deadline:
    """Cut the connection once ``seconds`` have passed.

    urllib3's timeouts bound each socket operation, not the exchange: a peer sending
    one byte at a time, each within the timeout, could hold the request for hours.
    The watched socket is a ``dup`` owned here, so a late shutdown can never reach
    a descriptor that has since been reused by another connection.
    """

    def __init__(self, seconds: float):
        self.expired = False
        self._done = False
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def connection_class(self, base: type) -> type:
        deadline = self

        class Connection(base):  # type: ignore[misc]  # urllib3's connection class, known at run time
            def _new_conn(self) -> socket.socket:
                sock: socket.socket = super()._new_conn()
                deadline._watch(sock)
                return sock

        return Connection

    def _watch(self, sock: socket.socket) -> None:
        with self._lock:
            watched = sock.dup()
            self._socks.append(watched)
            if self.expired:
                self._shutdown(watched)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._socks:
                self._shutdown(sock)

    def stop(self) -> None:
        with self._lock:
            self._done = True
            self._timer.cancel()
            for sock in self._socks:
                sock.close()


def fetch(url: str, *, accept: str) -> bytes:
    """GET ``url`` under the rules of this module and return the body."""
    conf = app_settings.JWKS_FETCH
    scheme, host, port, address, path = check_url(url)
    pool_kwargs: dict[str, Any] = {
        "timeout": urllib3.Timeout(total=conf.TIMEOUT),
        "retries": False,
        "headers": {"Host": host if port in (80, 443) else f"{host}:{port}", "Accept": accept},
    }
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED", **pool_kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **pool_kwargs)
    deadline = _Deadline(conf.TIMEOUT)
    pool.ConnectionCls = deadline.connection_class(pool.ConnectionCls)
    try:
        response = pool.urlopen("GET", path, redirect=False, preload_content=False, assert_same_host=False)
        try:
            if response.status != 200:
                raise FetchError(f"{url} answered {response.status} (only 200 is accepted, no redirects)")
            body = response.read(conf.MAX_BYTES + 1, decode_content=True)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        if deadline.expired:
            raise FetchError(f"fetching {url} timed out after {conf.TIMEOUT}s") from exc
        raise FetchError(f"fetching {url} failed: {exc}") from exc
    finally:
        deadline.stop()
        pool.close()
    if deadline.expired:  # a body read to the close of the connection ends early, not in error
        raise FetchError(f"fetching {url} timed out after {conf.TIMEOUT}s")
    if len(body) > conf.MAX_BYTES:
        raise FetchError(f"{url} is larger than {conf.MAX_BYTES} bytes")
    return body


def fetch_json(url: str) -> Any:
    """GET ``url`` and parse it as JSON."""
    body = fetch(url, accept="application/json")
    try:
        return untrusted_json.loads(body)
    except ValueError as exc:
        raise FetchError(f"{url} is not JSON") from exc
