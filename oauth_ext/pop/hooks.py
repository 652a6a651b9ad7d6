"""Validator mixin: ``token_type=pop`` token requests (draft-07 §4).

Asymmetric: ``req_cnf`` names the client's public key (``jwk``) or a key the client
registered (``kid``), and the client proves it holds that key: with a DPoP proof
signed by it, or, for a registered key, with the ``private_key_jwt`` assertion it
authenticated with. The response names the resource server's key (``rs_cnf``) when
the token is for one resource server that has one. Symmetric: no ``req_cnf``; the
AS derives a key, returns it in the response ``cnf`` and puts it, encrypted for the
one ``resource`` requested, in the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import context
from ..client_auth.registry import body_param
from ..clients.services import client_keys, get_profile
from ..conf import app_settings
from ..consent.resources import known as known_resources
from ..core import jose
from ..core import jwks as key_sets
from ..core.errors import InvalidRequest, InvalidTarget
from ..core.oauthlib_errors import raised_to_oauthlib
from ..features import Proceed, Validator
from ..tokens.claims import jwt_claims
from . import keys, resources
from .errors import InvalidTokenType


@dataclass(frozen=True)
class PoPRequest:
    jwk: dict[str, Any] | None = None  # asymmetric: the client's key
    resource: str | None = None  # symmetric: whom the key is encrypted for


def _registered_key(request: Any, kid: str) -> dict[str, Any]:
    """The client's registered public key named by ``kid`` (its ``kid``, or its RFC
    7638 thumbprint for keys registered without one)."""
    profile = get_profile(request.client) if getattr(request, "client", None) is not None else None
    if profile is None:
        raise InvalidRequest("req_cnf names a kid, but the client registered no keys")
    try:
        registered = key_sets.all_keys(jwks=profile.jwks, jwks_uri=profile.jwks_uri)
    except key_sets.KeysUnavailable as exc:
        raise InvalidRequest("req_cnf names a kid, but the client's keys are unavailable", reason=str(exc)) from exc
    for candidate in registered:
        try:
            if candidate.get("kid") == kid or jose.jwk_thumbprint(candidate) == kid:
                jose.load_public_jwk(candidate)
                return jose.public_jwk(candidate)
        except jose.JOSEError:
            continue
    raise InvalidRequest("req_cnf names no key the client registered", reason=f"kid {kid!r}")


def _assertion_key_thumbprint(request: Any) -> str | None:
    """Thumbprint of the registered key that verified this request's ``private_key_jwt``
    assertion: signing it proved possession of that key."""
    assertion = context.of(request).assertion
    if context.of(request).client_auth_method != "private_key_jwt" or not assertion:
        return None
    profile = get_profile(request.client)
    header = assertion[0]
    alg = header.get("alg")
    if profile is None or not isinstance(alg, str):  # the verified assertion had both
        return None
    try:
        return jose.jwk_thumbprint(client_keys(profile, kid=header.get("kid"), alg=alg))
    except (jose.JOSEError, key_sets.KeysUnavailable):
        return None


def pop_request(request: Any) -> PoPRequest | None:
    token_type = body_param(request, "token_type")
    if token_type is None or token_type.lower() == "bearer":
        return None
    if token_type != "pop":
        raise InvalidTokenType(reason=f"token_type {token_type!r}")
    req_cnf = body_param(request, "req_cnf")
    if req_cnf is not None:
        try:
            cnf = keys.parse_req_cnf(req_cnf)
        except keys.PoPKeyError as exc:
            raise InvalidRequest("req_cnf must hold a public JWK or the kid of a registered key", reason=str(exc)) from exc
        jwk = cnf["jwk"] if "jwk" in cnf else _registered_key(request, cnf["kid"])
        thumbprint = jose.jwk_thumbprint(jwk)
        proof = context.of(request).dpop
        proven = proof is not None and proof.jkt == thumbprint
        if "kid" in cnf and not proven:
            proven = _assertion_key_thumbprint(request) == thumbprint
        # RFC 9201 §3.1: the AS MUST verify that the client holds the key.
        if not proven:
            raise InvalidRequest("prove possession of the req_cnf key with a DPoP proof signed by it")
        return PoPRequest(jwk=jwk)
    requested = [v for k, v in (request.decoded_body or []) if k == "resource"]
    table = known_resources()
    if table and any(value not in table for value in requested):
        raise InvalidTarget(reason=f"unknown resource in {requested!r}")  # RFC 8707 §2
    # draft-07 §3: symmetric PoP tokens MUST name their resource.
    if len(requested) != 1 or resources.encryption_key(requested[0]) is None:
        raise InvalidRequest("a symmetric PoP token needs exactly one resource with a configured key")
    return PoPRequest(resource=requested[0])


class PoPHooks:
    def validate_grant_type(self, validator: Validator, proceed: Proceed, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, grant_type, client, request, *args, **kwargs):
            return False
        context.of(request).pop = None
        if app_settings.POP.ENABLED:
            with raised_to_oauthlib():
                context.of(request).pop = pop_request(request)
        return True

    def save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = proceed(token, request, *args, **kwargs)
        pop = context.of(request).pop
        if pop is not None:
            token["token_type"] = "pop"
            claims = jwt_claims(token["access_token"])
            if pop.resource is not None:  # draft-07 §4.1: the client learns the key here
                token["cnf"] = {"jwk": keys.symmetric_key(claims["jti"])}
            elif rs_cnf := resources.rs_cnf(claims.get("aud")):  # RFC 9201 §3.2: asymmetric only
                token["rs_cnf"] = rs_cnf
        return result
