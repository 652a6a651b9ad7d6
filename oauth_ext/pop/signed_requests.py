"""Resource requests signed with a PoP key (draft-ietf-oauth-signed-http-request-03 §3).

``Authorization: PoP <JWS>`` whose payload carries the access token (``at``), the
time (``ts``), the method (``m``), the host (``u``) and the path (``p``), signed with
the key the token is bound to: the client's public key (``cnf.jwk``), or the
symmetric key encrypted for this resource server (``cnf.jwe``) or handed over by
introspection.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.http import HttpRequest

from ..conf import app_settings
from ..core import jose, replay
from ..core.errors import InvalidToken
from ..tokens.validation import TokenInfo, validate_access_token
from . import keys

MAX_BYTES = 32768


def _key(info: TokenInfo) -> tuple[Any, set[str]]:
    cnf = info.claims.get("cnf")
    if not isinstance(cnf, dict):
        raise InvalidToken("The access token is not a PoP token.")
    try:
        jwk = cnf.get("jwk") or (keys.decrypt(cnf["jwe"]) if "jwe" in cnf else None)
        if jwk is None:
            raise InvalidToken("The access token is not a PoP token.")
        if jwk.get("kty") == "oct":
            return jose.b64url_decode(jwk["k"]), set(jose.HMAC_ALGORITHMS)
        return jose.load_public_jwk(jwk), jose.key_algorithm_family(jwk)
    except (keys.PoPKeyError, jose.JOSEError, KeyError, TypeError) as exc:
        raise InvalidToken("The access token's key cannot be used.", reason=str(exc)) from exc


def verify_signed_request(request: HttpRequest, signed: str) -> TokenInfo:
    try:
        header, payload = jose.unverified(signed, max_bytes=MAX_BYTES)
    except jose.JOSEError as exc:
        raise InvalidToken("Malformed signed request.", reason=str(exc)) from exc
    if header.get("typ") not in (None, "pop") or not isinstance(payload.get("at"), str):
        raise InvalidToken("Malformed signed request.")
    info = validate_access_token(payload["at"])
    key, algorithms = _key(info)
    try:
        _, claims = jose.verify_jws(signed, key=key, algorithms=algorithms, max_bytes=MAX_BYTES)
    except jose.JOSEError as exc:
        raise InvalidToken("The request signature is invalid.", reason=str(exc)) from exc
    ts = claims.get("ts")
    max_age = app_settings.POP.SIGNATURE_MAX_AGE
    if not isinstance(ts, (int, float)) or isinstance(ts, bool) or abs(time.time() - ts) > max_age:
        raise InvalidToken("The signed request is stale.", reason=f"ts {ts!r}")
    if claims.get("m") != request.method or claims.get("u") != request.get_host() or claims.get("p") != request.path:
        raise InvalidToken("The signed request does not cover this request.", reason="m, u or p mismatch")
    try:
        replay.claim_once("pop-signed-request", hashlib.sha256(signed.encode()).hexdigest(), ttl=2 * max_age,
                          not_before=ts - max_age)
    except replay.Replayed as exc:
        raise InvalidToken("The signed request was already used.") from exc
    return info
