"""Server nonces (RFC 9449 §8, §9) that every process accepts without shared state.

A nonce is ``step || HMAC(secret, audience || step)`` in base64url: unpredictable
without the secret, bound to one audience (the AS, or one resource server, so their
nonces are not interchangeable, §9), and valid for the current and the previous
time step.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time

from django.conf import settings
from django.utils.crypto import salted_hmac

from ..conf import app_settings
from ..core import jose

AS_AUDIENCE = "as"


def _secret() -> bytes:
    configured = app_settings.DPOP.NONCE_SECRET
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return salted_hmac("oauth_ext.dpop.nonce", "secret", secret=settings.SECRET_KEY, algorithm="sha256").digest()


def _mac(audience: str, step: int) -> bytes:
    return hmac.new(_secret(), audience.encode() + b"\x00" + struct.pack(">Q", step), hashlib.sha256).digest()[:18]


def _step(now: float) -> int:
    return int(now // app_settings.DPOP.NONCE_STEP)


def issue(audience: str = AS_AUDIENCE, *, now: float | None = None) -> str:
    step = _step(time.time() if now is None else now)
    return jose.b64url_encode(struct.pack(">Q", step) + _mac(audience, step))


def is_valid(nonce: object, audience: str = AS_AUDIENCE, *, now: float | None = None) -> bool:
    if not isinstance(nonce, str) or len(nonce) > 64:
        return False
    try:
        raw = jose.b64url_decode(nonce)
    except jose.JOSEError:
        return False
    if len(raw) != 26:
        return False
    step = struct.unpack(">Q", raw[:8])[0]
    current = _step(time.time() if now is None else now)
    return step in (current, current - 1) and hmac.compare_digest(raw[8:], _mac(audience, step))
