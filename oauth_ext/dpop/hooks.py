"""Validator mixin: DPoP at the token endpoint (RFC 9449 §5, §10).

oauthlib calls ``validate_grant_type`` for every grant at the token endpoint, after
client authentication and before the grant itself is checked, and nowhere else:
the proof is verified there, once, and kept on the request for the code and
refresh-token checks, the ``cnf`` claim and the token response.
"""

from __future__ import annotations

import hashlib
from typing import Any

from oauth2_provider.models import get_grant_model, get_refresh_token_model

from .. import context
from ..clients.services import get_profile
from ..conf import app_settings
from ..core.errors import InvalidRequest
from ..core.issuer import endpoint_url
from ..core.oauthlib_errors import raised_to_oauthlib
from ..features import Proceed, Validator
from . import nonces, proofs
from .errors import InvalidDPoPProof
from .models import GrantBinding, RefreshTokenBinding


def token_endpoint_proof(request: Any) -> proofs.Proof | None:
    """The verified proof of a token request, or None when it carries none."""
    conf = app_settings.DPOP
    value = proofs.single_header(request.headers.get("HTTP_DPOP"))
    if value is None:
        profile = get_profile(request.client) if request.client is not None else None
        if profile is not None and profile.dpop_bound_access_tokens:
            raise InvalidDPoPProof("DPoP proof required", reason="client registered dpop_bound_access_tokens")  # §5.2
        return None
    return proofs.verify(
        value,
        method=request.http_method,
        url=endpoint_url("oauth2_provider:token") or "",
        nonce_audience=nonces.AS_AUDIENCE if conf.REQUIRE_NONCE else None,
    )


def _proves(request: Any, bindings: Any) -> bool:
    """No binding, or the request's proof is signed by the bound key."""
    bound = bindings.values_list("jkt", flat=True).first()
    proof = context.of(request).dpop
    return bound is None or (proof is not None and proof.jkt == bound)


class DPoPHooks:
    def validate_grant_type(self, validator: Validator, proceed: Proceed, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, grant_type, client, request, *args, **kwargs):
            return False
        # Combined-mode attestation verified the proof already while authenticating.
        state = context.of(request)
        if app_settings.DPOP.ENABLED and state.dpop is None:
            with raised_to_oauthlib():
                state.dpop = token_endpoint_proof(request)
        return True

    def validate_code(self, validator: Validator, proceed: Proceed, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, code, client, request, *args, **kwargs):
            return False
        # §10: the proof's key must be the one named by dpop_jkt at authorization.
        return _proves(request, GrantBinding.objects.filter(grant__code=code, grant__application=client))

    def save_authorization_code(self, validator: Validator, proceed: Proceed, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> None:
        dpop_jkt = getattr(request, "dpop_jkt", None)
        if dpop_jkt is not None and not (isinstance(dpop_jkt, str) and 0 < len(dpop_jkt) <= 128):
            with raised_to_oauthlib():
                raise InvalidRequest("dpop_jkt is not a JWK thumbprint")
        proceed(client_id, code, request, *args, **kwargs)
        if dpop_jkt and app_settings.DPOP.ENABLED:
            grant = get_grant_model().objects.get(code=code["code"], application=request.client)
            GrantBinding.objects.create(grant=grant, jkt=dpop_jkt)

    def validate_refresh_token(self, validator: Validator, proceed: Proceed, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(refresh_token, client, request, *args, **kwargs):
            return False
        instance = getattr(request, "refresh_token_instance", None)
        # §5: a public client's refresh token works only with the key it was bound to.
        return _proves(request, RefreshTokenBinding.objects.filter(refresh_token=instance))

    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        """Inside DOT's transaction (the storage hook DOT documents): the binding
        commits with the refresh token."""
        result = proceed(token, request, *args, **kwargs)
        proof = context.of(request).dpop
        if proof is None:
            return result
        # The dict is the response body oauthlib serialises after saving (§5).
        token["token_type"] = "DPoP"
        if token.get("refresh_token") and request.client.client_type == request.client.CLIENT_PUBLIC:
            checksum = hashlib.sha256(token["refresh_token"].encode("utf-8")).hexdigest()
            instance = get_refresh_token_model().objects.filter(token_checksum=checksum, revoked__isnull=True).first()
            if instance is not None:
                RefreshTokenBinding.objects.update_or_create(refresh_token=instance, defaults={"jkt": proof.jkt})
        return result
