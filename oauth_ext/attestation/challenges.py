"""Server challenges (-11 §6) that every process accepts with no shared state but a
secret: ``issue time || random || HMAC(secret, issue time || random)``, valid for
``CHALLENGE_LIFETIME`` seconds, and single use (Redis ``SET NX``) while
``CHALLENGE_SINGLE_USE`` is on. The lifetime and the single use are this server's
local policy, which §6 leaves to it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import time

from django.conf import settings
from django.utils.crypto import salted_hmac

from ..conf import app_settings
from ..core import jose, replay

RAW_LENGTH = 8 + 12 + 16


def _secret() -> bytes:
    configured = app_settings.ATTESTATION.CHALLENGE_SECRET
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return salted_hmac("oauth_ext.attestation.challenge", "secret", secret=settings.SECRET_KEY, algorithm="sha256").digest()


def _mac(body: bytes) -> bytes:
    return hmac.new(_secret(), body, hashlib.sha256).digest()[:16]


def issue(*, now: float | None = None) -> str:
    """A fresh challenge."""
    body = struct.pack(">Q", int(time.time() if now is None else now)) + secrets.token_bytes(12)
    return jose.b64url_encode(body + _mac(body))


def is_valid(challenge: object, *, now: float | None = None) -> bool:
    """Whether ``challenge`` is one of ours and still live (without using it up)."""
    if not isinstance(challenge, str) or len(challenge) > 64:
        return False
    try:
        raw = jose.b64url_decode(challenge)
    except jose.JOSEError:
        return False
    if len(raw) != RAW_LENGTH or not hmac.compare_digest(raw[20:], _mac(raw[:20])):
        return False
    issued = struct.unpack(">Q", raw[:8])[0]
    now = time.time() if now is None else now
    conf = app_settings.ATTESTATION
    return issued - conf.CLOCK_SKEW <= now <= issued + conf.CHALLENGE_LIFETIME


def redeem(challenge: object, *, now: float | None = None) -> bool:
    """Check ``challenge`` and, under the single-use policy, use it up; False when it
    is not ours, stale, or already used."""
    if not is_valid(challenge, now=now):
        return False
    conf = app_settings.ATTESTATION
    if conf.CHALLENGE_SINGLE_USE:
        try:
            replay.claim_once("attestation_challenge", str(challenge), ttl=conf.CHALLENGE_LIFETIME + conf.CLOCK_SKEW)
        except replay.Replayed:
            return False
    return True
