"""The client certificate of a request, as forwarded by a trusted TLS-terminating proxy,
and its RFC 8705 §3.1 thumbprint.

The header counts only when the request comes from an address in
``MTLS.TRUSTED_PROXIES``: from anywhere else it is ignored (and logged), so a client
cannot claim a certificate by sending the header itself.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import ipaddress
import logging
import re
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .. import context
from ..conf import app_settings
from ..core import jose

logger = logging.getLogger(__name__)
PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)
MAX_HEADER_BYTES = 16384


def _meta(request: Any) -> Any:
    """Django's META, or an oauthlib request's headers (DOT copies META into them)."""
    meta = getattr(request, "META", None)
    return meta if meta is not None else request.headers


@functools.lru_cache(maxsize=32)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def from_trusted_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(app_settings.MTLS.TRUSTED_PROXIES)))


def parse(value: str) -> x509.Certificate:
    """URL-encoded PEM (nginx ``$ssl_client_escaped_cert``), PEM with its line breaks
    folded, or base64 DER. Raises ValueError."""
    text = unquote(value) if "%" in value else value
    match = PEM.search(text)
    body = match.group(1) if match else text
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(body.split()), validate=True))
    except binascii.Error as exc:
        raise ValueError(f"not a certificate: {exc}") from exc


def client_certificate(request: Any) -> x509.Certificate | None:
    """The verified client certificate the proxy forwarded, or None."""
    state = context.of(request)
    if state.certificate_read:
        return state.forwarded_certificate
    certificate = None
    header = app_settings.MTLS.CERTIFICATE_HEADER
    meta = _meta(request)
    value = meta.get("HTTP_" + header.upper().replace("-", "_")) if header else None
    if value and len(value) <= MAX_HEADER_BYTES:
        if not from_trusted_proxy(meta.get("REMOTE_ADDR")):
            logger.warning("client certificate header from untrusted address %s ignored", meta.get("REMOTE_ADDR"))
        else:
            try:
                certificate = parse(value)
            except ValueError as exc:
                logger.warning("unreadable client certificate header: %s", exc)
    state.certificate_read, state.forwarded_certificate = True, certificate
    return certificate


def thumbprint(certificate: x509.Certificate) -> str:
    """``x5t#S256``: base64url SHA-256 of the DER certificate, no padding (RFC 8705 §3.1)."""
    return jose.b64url_encode(hashlib.sha256(certificate.public_bytes(Encoding.DER)).digest())


def der_b64(certificate: x509.Certificate) -> str:
    """The certificate as an ``x5c`` entry (RFC 7517 §4.7: base64 DER)."""
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii")
