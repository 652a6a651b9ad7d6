"""Checking a DPoP proof, every item of RFC 9449 §4.3."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from ..conf import app_settings
from ..core import jose, replay
from ..core.time_claims import Clock, clock_skew, is_numeric_date
from . import htu as htu_rules
from . import nonces
from .errors import InvalidDPoPProof, UseDPoPNonce

PROOF_TYP = "dpop+jwt"
MAX_JTI_LENGTH = 256


@dataclass(frozen=True)
class Proof:
    """A verified proof: its public key, that key's RFC 7638 thumbprint, its claims."""

    jwk: dict[str, Any]
    jkt: str
    claims: dict[str, Any]


def access_token_hash(access_token: str) -> str:
    """``ath``: base64url SHA-256 of the ASCII access token (§4.2)."""
    return jose.b64url_encode(hashlib.sha256(access_token.encode("ascii", "replace")).digest())


def single_header(value: str | None) -> str | None:
    """The one ``DPoP`` header value; WSGI joins repeated headers with commas (§4.3 (1))."""
    if value is None:
        return None
    if "," in value:
        raise InvalidDPoPProof(reason="more than one DPoP header")
    return value.strip()



def verify(
    proof: str,
    *,
    method: str,
    url: str,
    access_token: str | None = None,
    nonce_audience: str | None = None,
    error: type[InvalidDPoPProof] = InvalidDPoPProof,
    nonce_error: type[UseDPoPNonce] = UseDPoPNonce,
    now: float | None = None,
) -> Proof:
    """Verify ``proof`` for a request of ``method`` to ``url``.

    ``nonce_audience`` set means the server requires a nonce it issued for that
    audience. ``access_token`` set means a resource request: ``ath`` must match.
    """
    conf = app_settings.DPOP
    now = time.time() if now is None else now
    try:
        header = jose.unverified_header(proof, max_bytes=conf.PROOF_MAX_BYTES)  # (2)
    except jose.JOSEError as exc:
        raise error(reason=str(exc)) from exc
    if header.get("typ") != PROOF_TYP:  # (4), §11.5
        raise error(reason=f"typ {header.get('typ')!r} is not dpop+jwt")
    alg = header["alg"]
    allowed = set(conf.ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS
    if alg not in allowed:  # (5), §11.6
        raise error(reason=f"alg {alg!r} not allowed")
    jwk = header.get("jwk")
    try:
        if not isinstance(jwk, dict):
            raise jose.JOSEError("JWK is not an object")
        key = jose.load_public_jwk(jwk)  # (7)
        if alg not in jose.key_algorithm_family(jwk):
            raise jose.JOSEError(f"jwk cannot verify {alg}")
        _, claims = jose.verify_jws(proof, key=key, algorithms={alg}, max_bytes=conf.PROOF_MAX_BYTES)  # (6)
    except jose.JOSEError as exc:
        raise error(reason=str(exc)) from exc
    jti, iat = claims.get("jti"), claims.get("iat")
    if not (isinstance(jti, str) and 0 < len(jti) <= MAX_JTI_LENGTH and is_numeric_date(iat)):  # (3)
        raise error(reason="jti, htm, htu and iat are required")
    if claims.get("htm") != method:  # (8): methods are case-sensitive
        raise error(reason=f"htm {claims.get('htm')!r} does not match {method}")
    if not htu_rules.matches(claims.get("htu"), url):  # (9)
        raise error(reason=f"htu {claims.get('htu')!r} does not match {url}")
    skew = clock_skew("DPOP")
    if not Clock(now=now, skew=skew).within(iat, conf.PROOF_MAX_AGE):  # (11), §11.1
        raise error(reason="iat outside the acceptance window")
    if access_token is not None and claims.get("ath") != access_token_hash(access_token):  # (12)
        raise error(reason="ath does not match the access token")
    if nonce_audience is not None and not nonces.is_valid(claims.get("nonce"), nonce_audience, now=now):  # (10), §11.3
        raise nonce_error(
            reason="nonce missing or stale", headers={"DPoP-Nonce": nonces.issue(nonce_audience, now=now)}
        )
    try:
        replay.claim_once(f"dpop:{htu_rules.normalize(url)}", jti, ttl=conf.PROOF_MAX_AGE + skew,
                          not_before=iat - skew)
    except replay.Replayed as exc:
        raise error(reason="DPoP proof jti already used") from exc  # §11.1
    return Proof(jwk=jose.public_jwk(jwk), jkt=jose.jwk_thumbprint(jwk), claims=claims)
