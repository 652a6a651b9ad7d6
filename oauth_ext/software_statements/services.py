"""Verifying a software statement against the trust store (RFC 7591 §2.3, §3.1.1)."""

from __future__ import annotations

import time
from typing import Any

from ..conf import app_settings
from ..core import jose
from ..core import jwks as key_sets
from ..core.errors import OAuthError
from ..core.time_claims import Clock, clock_skew
from ..registration import metadata as client_metadata
from .errors import InvalidSoftwareStatement, UnapprovedSoftwareStatement
from .models import SoftwarePublisher

MAX_STATEMENT_BYTES = 16384
# Claims about the statement itself, not client metadata.
ENVELOPE_CLAIMS = ("iss", "iat", "exp", "nbf", "jti", "aud", "sub")


def verify_statement(statement: Any, *, now: float | None = None) -> tuple[SoftwarePublisher, dict[str, Any]]:
    """The trusted publisher and the verified claims of ``statement``.

    Only the publisher's registered keys verify it: keys carried in the
    statement's own header are never used.
    """
    now = time.time() if now is None else now
    try:
        header, unverified = jose.unverified(statement, max_bytes=MAX_STATEMENT_BYTES)
    except jose.JOSEError as exc:
        raise InvalidSoftwareStatement(reason=f"malformed: {exc}") from exc
    if not isinstance(unverified.get("iss"), str):
        raise InvalidSoftwareStatement(reason="no iss")
    publisher = SoftwarePublisher.objects.filter(issuer=unverified["iss"]).first()
    if publisher is None or not publisher.enabled:
        raise UnapprovedSoftwareStatement(reason=f"publisher {unverified['iss']!r} unknown or disabled")
    algorithms = set(app_settings.CLIENT_AUTH.SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS
    if header["alg"] not in algorithms:
        raise InvalidSoftwareStatement(reason=f"alg {header['alg']!r} not allowed")
    try:
        key = key_sets.select(jwks=publisher.jwks, jwks_uri=publisher.jwks_uri, kid=header.get("kid"), alg=header["alg"])
        _, claims = jose.verify_jws(statement, key=jose.load_public_jwk(key), algorithms=algorithms, max_bytes=MAX_STATEMENT_BYTES)
    except (jose.JOSEError, key_sets.KeysUnavailable) as exc:
        raise InvalidSoftwareStatement(reason=str(exc)) from exc
    clock = Clock(now=now, skew=clock_skew("CLIENT_AUTH"))
    exp = claims.get("exp")
    if exp is not None and clock.expired(exp):
        raise InvalidSoftwareStatement(reason="expired")
    if clock.in_future(claims.get("iat")):
        raise InvalidSoftwareStatement(reason="issued in the future")
    software_id = claims.get("software_id")
    if publisher.software_ids and software_id not in publisher.software_ids:
        raise UnapprovedSoftwareStatement(reason=f"{publisher} may not vouch for software {software_id!r}")
    return publisher, claims


def statement_metadata(claims: dict[str, Any]) -> dict[str, Any]:
    """The client metadata a statement asserts (its envelope claims removed)."""
    return {k: v for k, v in claims.items() if k not in ENVELOPE_CLAIMS}


def check_statement(statement: str) -> dict[str, Any]:
    """What registration would make of ``statement``: accepted with its publisher
    and metadata, or refused with the OAuth error and the reason behind it."""
    try:
        publisher, claims = verify_statement(statement)
    except OAuthError as exc:
        return {"accepted": False, "stage": "statement", "error": exc.error, "reason": exc.reason}
    asserted = statement_metadata(claims)
    if "jwks" not in asserted and "jwks_uri" not in asserted:
        # Each instance registers its own key next to the statement: stand one in.
        asserted["jwks"] = {"keys": [jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))]}
    try:
        meta = client_metadata.validate(asserted, publisher)
    except OAuthError as exc:
        return {"accepted": False, "stage": "policy", "error": exc.error, "reason": exc.reason, "publisher": publisher,
                "claims": claims}
    response = meta.as_response()
    shown = {k: v for k, v in response.items() if k not in ("jwks", "jwks_uri") or k in claims}
    return {"accepted": True, "publisher": publisher, "claims": claims, "metadata": shown,
            "dropped": dropped(asserted, meta, publisher)}


def dropped(asserted: dict[str, Any], meta: client_metadata.ClientMetadata, publisher: SoftwarePublisher) -> list[str]:
    """What registration would quietly leave out of a statement it accepts, in words:
    scopes above the publisher's ceiling or unknown here, and claims it ignores."""
    found = []
    requested = asserted.get("scope", "").split() if isinstance(asserted.get("scope"), str) else []
    ceiling = set(publisher.scope_ceiling)
    for scope in dict.fromkeys(s for s in requested if s not in meta.scope):
        why = "above the publisher's scope ceiling" if ceiling and scope not in ceiling else "not a scope this server knows"
        found.append(f"scope {scope}: {why}")
    kept = set(meta.as_response()) | {"scope", "response_types"}
    found += [f"claim {name}: not client metadata this server keeps" for name in asserted if name not in kept]
    return found
