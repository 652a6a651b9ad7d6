"""Validator mixin: ``token_type=pop`` token requests (draft-07 §4).

Asymmetric: ``req_cnf`` names the client's public key, and the client proves it
holds it with a DPoP proof signed by that key. Symmetric: no ``req_cnf``; the AS
derives a key, returns it in the response ``cnf`` and puts it, encrypted for the
one ``resource`` requested, in the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..client_auth.registry import body_param
from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidRequest
from ..core.oauthlib_errors import raised_to_oauthlib
from ..tokens.claims import jwt_claims
from . import keys
from .errors import InvalidTokenType


@dataclass(frozen=True)
class PoPRequest:
    jwk: dict[str, Any] | None = None  # asymmetric: the client's key
    resource: str | None = None  # symmetric: whom the key is encrypted for


def pop_request(request: Any) -> PoPRequest | None:
    token_type = body_param(request, "token_type")
    if token_type is None or token_type.lower() == "bearer":
        return None
    if token_type != "pop":
        raise InvalidTokenType(reason=f"token_type {token_type!r}")
    req_cnf = body_param(request, "req_cnf")
    if req_cnf is not None:
        try:
            jwk = keys.parse_req_cnf(req_cnf)
        except keys.PoPKeyError as exc:
            raise InvalidRequest("req_cnf must hold a public JWK", reason=str(exc)) from exc
        proof = getattr(request, "dpop", None)
        # RFC 9201 §3.1: the AS MUST verify that the client holds the key.
        if proof is None or proof.jkt != jose.jwk_thumbprint(jwk):
            raise InvalidRequest("prove possession of the req_cnf key with a DPoP proof signed by it")
        return PoPRequest(jwk=jwk)
    resources = [v for k, v in (request.decoded_body or []) if k == "resource"]
    # draft-07 §3: symmetric PoP tokens MUST name their resource.
    if len(resources) != 1 or resources[0] not in app_settings.POP.RESOURCE_KEYS:
        raise InvalidRequest("a symmetric PoP token needs exactly one resource with a configured key")
    return PoPRequest(resource=resources[0])


class PoPValidatorMixin:
    def validate_grant_type(self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs):
            return False
        request.pop = None
        if app_settings.POP.ENABLED:
            with raised_to_oauthlib():
                request.pop = pop_request(request)
        return True

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().save_bearer_token(token, request, *args, **kwargs)
        pop = getattr(request, "pop", None)
        if pop is not None:
            token["token_type"] = "pop"
            if pop.resource is not None:  # draft-07 §4.1: the client learns the key here
                token["cnf"] = {"jwk": keys.symmetric_key(jwt_claims(token["access_token"])["jti"])}
        return result
