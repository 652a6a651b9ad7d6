"""Stateless server tokens: an 8-byte big-endian time (a timestamp or a time step)
and a truncated HMAC-SHA256, base64url-encoded. Attestation challenges and DPoP
nonces are both of this kind, so every process accepts them with no shared state
but a secret; one place decodes them, so a malformed one is refused alike."""

from __future__ import annotations

import hashlib
import hmac
import struct

from django.conf import settings
from django.utils.crypto import salted_hmac

from . import jose

MAX_CHARS = 64  # longer than any token of ours: refused before decoding


def secret(configured: str | bytes | None, purpose: str) -> bytes:
    """The configured secret, or one derived from ``SECRET_KEY`` for ``purpose``, so
    that a token of one kind is never valid as another."""
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return salted_hmac(purpose, "secret", secret=settings.SECRET_KEY, algorithm="sha256").digest()


def mac(key: bytes, message: bytes, length: int) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()[:length]


def pack_time(value: int) -> bytes:
    return struct.pack(">Q", value)


def unpack_time(raw: bytes) -> int:
    value: int = struct.unpack(">Q", raw[:8])[0]
    return value


def decode(token: object, length: int) -> bytes | None:
    """The raw bytes of ``token`` when it is base64url of ``length`` bytes; None for
    anything else (the caller then checks the MAC with ``hmac.compare_digest``)."""
    if not isinstance(token, str) or len(token) > MAX_CHARS:
        return None
    try:
        raw = jose.b64url_decode(token)
    except jose.JOSEError:
        return None
    return raw if len(raw) == length else None
