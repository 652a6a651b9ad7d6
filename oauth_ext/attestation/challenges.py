"""Server challenges (-11 §6) that every process accepts with no shared state but a
secret: ``issue time || random || HMAC(secret, issue time || random)``, valid for
``CHALLENGE_LIFETIME`` seconds, and single use (Redis ``SET NX``) while
``CHALLENGE_SINGLE_USE`` is on. The lifetime and the single use are this server's
local policy, which §6 leaves to it."""

from __future__ import annotations

import hmac
import secrets
import time

from ..conf import app_settings
from ..core import jose, mac_tokens, replay
from ..core.time_claims import clock_skew

RAW_LENGTH = 8 + 12 + 16


def _mac(body: bytes) -> bytes:
    key = mac_tokens.secret(app_settings.ATTESTATION.CHALLENGE_SECRET, "oauth_ext.attestation.challenge")
    return mac_tokens.mac(key, body, 16)


def issue(*, now: float | None = None) -> str:
    """A fresh challenge."""
    body = mac_tokens.pack_time(int(time.time() if now is None else now)) + secrets.token_bytes(12)
    return jose.b64url_encode(body + _mac(body))


def is_valid(challenge: object, *, now: float | None = None) -> bool:
    """Whether ``challenge`` is one of ours and still live (without using it up)."""
    raw = mac_tokens.decode(challenge, RAW_LENGTH)
    if raw is None or not hmac.compare_digest(raw[20:], _mac(raw[:20])):
        return False
    issued = mac_tokens.unpack_time(raw)
    now = time.time() if now is None else now
    conf = app_settings.ATTESTATION
    return issued - clock_skew("ATTESTATION") <= now <= issued + conf.CHALLENGE_LIFETIME


def issued_at(challenge: object) -> float:
    """The issue time inside a valid challenge, less the clock skew."""
    raw = mac_tokens.decode(challenge, RAW_LENGTH)
    if raw is None:
        raise ValueError("not a challenge")  # callers check is_valid first
    return mac_tokens.unpack_time(raw) - clock_skew("ATTESTATION")


def redeem(challenge: object, *, now: float | None = None) -> bool:
    """Check ``challenge`` and, under the single-use policy, use it up; False when it
    is not ours, stale, or already used."""
    if not is_valid(challenge, now=now):
        return False
    conf = app_settings.ATTESTATION
    if conf.CHALLENGE_SINGLE_USE:
        try:
            replay.claim_once("attestation_challenge", str(challenge), ttl=conf.CHALLENGE_LIFETIME + clock_skew("ATTESTATION"),
                              not_before=issued_at(challenge))
        except replay.Replayed:
            return False
    return True
