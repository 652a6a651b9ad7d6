"""Fetch a remote JSON document (a client's ``jwks_uri``) without becoming an SSRF tool.

https only (plain http to loopback only while ``DEBUG``); every address the name
resolves to must be public unless it is that debug loopback case; the connection is
pinned to the checked address so a second DNS answer cannot swap it; no redirects;
a timeout; and a cap on the body size.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from ..conf import app_settings


class FetchError(Exception):
    """The document could not be fetched safely. The message is for logs."""


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}") from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


class Target(NamedTuple):
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _check_target(url: str) -> Target:
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise FetchError("URL must name a host and carry no credentials")
    if parts.scheme not in ("https", "http"):
        raise FetchError("only https URLs are fetched")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    loopback_only = all(a.is_loopback for a in addresses)
    if parts.scheme == "http" and not (settings.DEBUG and loopback_only):
        raise FetchError("plain http is refused (allowed only to loopback while DEBUG)")
    if not (settings.DEBUG and loopback_only):
        for address in addresses:
            if not address.is_global or address.is_multicast:
                raise FetchError(f"{host!r} resolves to non-public address {address}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, str(addresses[0]), path)


def fetch_json(url: str) -> Any:
    """GET ``url`` and parse it as JSON, under the rules of this module."""
    conf = app_settings.JWKS_FETCH
    scheme, host, port, address, path = _check_target(url)
    pool_kwargs: dict[str, Any] = {
        "timeout": urllib3.Timeout(total=conf.TIMEOUT),
        "retries": False,
        "headers": {"Host": host if port in (80, 443) else f"{host}:{port}", "Accept": "application/json"},
    }
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED", **pool_kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **pool_kwargs)
    try:
        response = pool.urlopen("GET", path, redirect=False, preload_content=False, assert_same_host=False)
        try:
            if response.status != 200:
                raise FetchError(f"{url} answered {response.status} (only 200 is accepted, no redirects)")
            body = response.read(conf.MAX_BYTES + 1, decode_content=True)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"fetching {url} failed: {exc}") from exc
    finally:
        pool.close()
    if len(body) > conf.MAX_BYTES:
        raise FetchError(f"{url} is larger than {conf.MAX_BYTES} bytes")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url} is not JSON") from exc
