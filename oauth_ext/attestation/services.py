"""Verifying attestations and their proofs of possession (-11 §4, §5, §7)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse

from .. import context
from ..conf import app_settings
from ..core import jose, replay
from ..core import jwks as key_sets
from ..core.issuer import endpoint_url
from ..core.time_claims import Clock, clock_skew, is_numeric_date
from . import challenges
from .errors import InvalidClientAttestation, UseAttestationChallenge, UseFreshAttestation
from .models import Attester

logger = logging.getLogger(__name__)

ATTESTATION_HEADER = "OAuth-Client-Attestation"
POP_HEADER = "OAuth-Client-Attestation-PoP"
CHALLENGE_HEADER = "OAuth-Client-Attestation-Challenge"
ATTESTATION_TYP = "oauth-client-attestation+jwt"
POP_TYP = "oauth-client-attestation-pop+jwt"
# Endpoints where a client authenticates; a combined-mode proof's htu is one of them.
AUTHENTICATED_ENDPOINTS = ("oauth2_provider:token", "oauth_ext:par", "oauth_ext:introspect", "oauth2_provider:revoke-token")


@dataclass(frozen=True)
class Attestation:
    """A verified attestation: who vouched, the claims, and the instance key."""

    attester: Attester
    claims: dict[str, Any]
    jwk: dict[str, Any]
    jkt: str


def header_value(request: Any, name: str) -> str | None:
    """The one value of header ``name`` of a Django or an oauthlib request (whose
    headers are Django's META); WSGI joins repeated headers with commas, and a JWT
    has none (§7.1 (1), §7.2 (1))."""
    key = "HTTP_" + name.upper().replace("-", "_")
    meta = getattr(request, "META", None)
    value = meta.get(key) if meta is not None else request.headers.get(key)
    if value is None:
        return None
    if "," in value:
        raise InvalidClientAttestation(reason=f"more than one {name} header")
    return value.strip()



def unverified_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return jose.unverified(token, max_bytes=app_settings.ATTESTATION.MAX_BYTES)
    except jose.JOSEError as exc:
        raise InvalidClientAttestation(reason=f"malformed JWT: {exc}") from exc


def _typed_jwt(token: str, typ: str, allowed: set[str], what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The unverified header and claims of ``token`` when its ``typ`` is ``typ`` and
    its ``alg`` one of ``allowed``: the attestation and its PoP are checked alike."""
    header, claims = unverified_claims(token)
    if header.get("typ") != typ:
        raise InvalidClientAttestation(reason=f"typ {header.get('typ')!r} is not {typ}")
    if header["alg"] not in allowed:
        raise InvalidClientAttestation(reason=f"{what} alg {header['alg']!r} not allowed")
    return header, claims


def _attesters_for(client_id: str, software_id: str | None) -> list[Attester]:
    return [a for a in Attester.objects.enabled().order_by("pk") if a.may_attest(client_id, software_id)]


def verify_attestation(token: str, *, client_id: str, software_id: str | None = None, now: float | None = None) -> Attestation:
    """Every rule of §4 and §7.1 for the attestation of ``client_id``."""
    conf = app_settings.ATTESTATION
    now = time.time() if now is None else now
    allowed = set(conf.SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS  # §7.1 (3)
    header, unverified = _typed_jwt(token, ATTESTATION_TYP, allowed, "attestation")  # §4
    alg = header["alg"]
    if keys := jose.HEADER_KEY_MEMBERS & header.keys():
        raise InvalidClientAttestation(reason=f"keys in the attestation header are not trusted: {sorted(keys)}")
    if unverified.get("sub") != client_id:  # §7.1 (7), §7.5
        raise InvalidClientAttestation(reason="attestation sub is not the client_id")
    claims = None
    for attester in _attesters_for(client_id, software_id):  # §7.1 (4)
        try:
            key = key_sets.select(jwks=attester.jwks, jwks_uri=attester.jwks_uri, kid=header.get("kid"), alg=alg)
            _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms={alg}, max_bytes=conf.MAX_BYTES)
            break
        except (jose.JOSEError, key_sets.KeysUnavailable) as exc:
            logger.debug("attester %s does not verify the attestation: %s", attester, exc)
    else:
        raise InvalidClientAttestation(reason=f"no trusted attester of {client_id!r} signed the attestation")
    clock = Clock(now=now, skew=clock_skew("ATTESTATION"))
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    if not is_numeric_date(exp):
        raise InvalidClientAttestation(reason="attestation has no exp")  # §4
    if clock.expired(exp):
        raise UseFreshAttestation(reason="attestation expired")  # §4, §7.4
    if clock.in_future(iat) or clock.in_future(nbf):
        raise InvalidClientAttestation(reason="attestation not yet valid")
    if conf.MAX_AGE is not None and (iat is None or iat < now - conf.MAX_AGE):
        raise UseFreshAttestation(reason="attestation issued too long ago")  # §7.1 (6)
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    try:
        if not isinstance(jwk, dict):
            raise jose.JOSEError("JWK is not an object")
        jose.load_public_jwk(jwk)  # §7.1 (5): refuses private and symmetric keys
    except jose.JOSEError as exc:
        raise InvalidClientAttestation(reason=f"cnf.jwk: {exc}") from exc
    return Attestation(attester=attester, claims=claims, jwk=jose.public_jwk(jwk), jkt=jose.jwk_thumbprint(jwk))


def verify_pop(token: str, attestation: Attestation, *, client_id: str, now: float | None = None) -> dict[str, Any]:
    """Every rule of §5.1 and §7.2 for the PoP JWT of a verified attestation."""
    conf = app_settings.ATTESTATION
    now = time.time() if now is None else now
    # §7.2 (3): an algorithm of the instance key's family
    allowed = set(conf.POP_SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS & jose.key_algorithm_family(attestation.jwk)
    header, _ = _typed_jwt(token, POP_TYP, allowed, "PoP")  # §5.1
    alg = header["alg"]
    try:  # §7.2 (4): the cnf key, never one from the PoP's header
        _, claims = jose.verify_jws(token, key=jose.load_public_jwk(attestation.jwk), algorithms={alg}, max_bytes=conf.MAX_BYTES)
    except jose.JOSEError as exc:
        raise InvalidClientAttestation(reason=f"PoP: {exc}") from exc
    aud = claims.get("aud")
    if not isinstance(aud, str) or aud != app_settings.issuer:  # §5.1, §7.2 (7): the issuer, one audience
        raise InvalidClientAttestation(reason=f"PoP aud {aud!r} is not the issuer as a single string")
    jti, iat = claims.get("jti"), claims.get("iat")
    if not (isinstance(jti, str) and 0 < len(jti) <= 256 and is_numeric_date(iat)):  # §5.1
        raise InvalidClientAttestation(reason="PoP needs jti and iat")
    skew = clock_skew("ATTESTATION")
    if not Clock(now=now, skew=skew).within(iat, conf.POP_MAX_AGE):  # §7.2 (6)
        raise InvalidClientAttestation(reason="PoP iat outside the acceptance window")
    try:  # §12.1: the jti is the default replay guard
        replay.claim_once(f"attestation_pop:{client_id}", jti, ttl=conf.POP_MAX_AGE + 2 * skew,
                          not_before=iat - skew)
    except replay.Replayed as exc:
        raise InvalidClientAttestation(reason="PoP jti already used") from exc
    wants_challenge = conf.REQUIRE_CHALLENGE or "challenge" in claims  # §6, §7.2 (5)
    if wants_challenge and not challenges.redeem(claims.get("challenge"), now=now):
        raise UseAttestationChallenge(
            reason="PoP challenge missing, stale or used", headers={CHALLENGE_HEADER: challenges.issue(now=now)}
        )
    return claims


def endpoint_of(request: Any) -> str | None:
    """The issuer-origin URL of the endpoint an oauthlib request was made to."""
    path = urlsplit(request.uri).path
    for name in AUTHENTICATED_ENDPOINTS:
        try:
            if reverse(name) == path:
                return endpoint_url(name)
        except NoReverseMatch:
            continue
    return None


def verify_combined(request: Any, attestation: Attestation) -> Any:
    """§5.2, §7.3: the DPoP proof of the request, signed by the instance key."""
    from ..dpop import nonces, proofs

    # PAR verifies the proof before authenticating. vars(): an oauthlib request also
    # answers attribute lookups with body parameters of that name.
    proof = context.of(request).dpop
    if proof is None:
        value = proofs.single_header(request.headers.get("HTTP_DPOP"))
        url = endpoint_of(request)
        if value is None or url is None or not app_settings.DPOP.ENABLED:
            raise InvalidClientAttestation(reason="attestation without a proof of possession")
        proof = proofs.verify(
            value, method=request.http_method, url=url,
            nonce_audience=nonces.AS_AUDIENCE if app_settings.DPOP.REQUIRE_NONCE else None,
        )
    if proof.jkt != attestation.jkt:  # §7.3 (4)
        raise InvalidClientAttestation(reason="the DPoP key is not the attested instance key")
    return proof
