"""Server nonces (RFC 9449 §8, §9) that every process accepts without shared state.

A nonce is ``step || HMAC(secret, audience || step)`` in base64url: unpredictable
without the secret, bound to one audience (the AS, or one resource server, so their
nonces are not interchangeable, §9), and valid for the current and the previous
time step.
"""

from __future__ import annotations

import hmac
import time

from ..conf import app_settings
from ..core import jose, mac_tokens

AS_AUDIENCE = "as"


def _mac(audience: str, step: int) -> bytes:
    key = mac_tokens.secret(app_settings.DPOP.NONCE_SECRET, "oauth_ext.dpop.nonce")
    return mac_tokens.mac(key, audience.encode() + b"\x00" + mac_tokens.pack_time(step), 18)


def _step(now: float) -> int:
    return int(now // app_settings.DPOP.NONCE_STEP)


def issue(audience: str = AS_AUDIENCE, *, now: float | None = None) -> str:
    step = _step(time.time() if now is None else now)
    return jose.b64url_encode(mac_tokens.pack_time(step) + _mac(audience, step))


def is_valid(nonce: object, audience: str = AS_AUDIENCE, *, now: float | None = None) -> bool:
    raw = mac_tokens.decode(nonce, 8 + 18)
    if raw is None:
        return False
    step = mac_tokens.unpack_time(raw)
    current = _step(time.time() if now is None else now)
    return step in (current, current - 1) and hmac.compare_digest(raw[8:], _mac(audience, step))
