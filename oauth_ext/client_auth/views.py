"""DOT's introspection endpoint (RFC 7662), authenticating clients once, through
the registry, answering failed client authentication as RFC 6749 §5.2 does, and
telling resource servers the key a token is bound to (RFC 9449 §6.2, RFC 9201 §5)."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.compat import login_not_required
from oauth2_provider.views import IntrospectTokenView as DOTIntrospectTokenView
from oauth2_provider.views.mixins import ClientProtectedResourceMixin
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..conf import app_settings
from ..core.errors import InvalidClient, InvalidToken
from ..core.handlers import error_response
from ..core.oauthlib_errors import from_oauthlib
from ..pop.keys import introspection_cnf
from ..tokens.claims import jwt_claims, token_type


def _presents_client_credentials(request) -> bool:
    """Any client identification at all: the methods themselves decide (a bare
    ``client_id`` is how mutual-TLS clients name themselves)."""
    return bool(
        any(request.POST.get(name) for name in ("client_id", "client_assertion", "client_assertion_type", "client_secret"))
        or request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("basic ")
        or request.META.get("HTTP_OAUTH_CLIENT_ATTESTATION")
    )


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class IntrospectTokenView(DOTIntrospectTokenView):
    @staticmethod
    def get_token_response(token_value=None):
        response = DOTIntrospectTokenView.get_token_response(token_value)
        body = json.loads(response.content)
        if body.get("active"):
            claims = jwt_claims(token_value)
            # RFC 7662 §2.2: whose token, from which issuer, for which services; a
            # mail server's passdb (Dovecot's oauth2) checks these.
            body.update({k: claims[k] for k in ("sub", "aud") if k in claims})
            body["iss"] = app_settings.issuer
            body["token_type"] = token_type(claims)
            if isinstance(claims.get("cnf"), dict):
                body["cnf"] = introspection_cnf(claims["cnf"], claims)
            body.update({k: claims[k] for k in ("gty", "cxt", "cmr") if k in claims})  # client extension claims
            if "authorization_details" in claims:  # RFC 9396 §9.2
                body["authorization_details"] = claims["authorization_details"]
            response = JsonResponse(body)
        response["Cache-Control"] = "no-store"
        return response

    def dispatch(self, request, *args, **kwargs):
        if request.method.upper() == "OPTIONS":
            return super().dispatch(request, *args, **kwargs)
        if not _presents_client_credentials(request):
            if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
                return error_response(InvalidClient())  # RFC 7662 §2.1: the caller authenticates
            # Bearer-token access to introspection stays DOT's; its bare 403 becomes RFC 6750 §3.1.
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code == 403:
                return error_response(InvalidToken(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}))
            return response
        try:
            authenticated = self.authenticate_client(request)
        except OAuth2Error as exc:
            return error_response(from_oauthlib(exc))
        if not authenticated:
            return error_response(InvalidClient())
        # Authenticated exactly once (assertions are single use): go straight to
        # the handler, past DOT's authenticating dispatch.
        return super(ClientProtectedResourceMixin, self).dispatch(request, *args, **kwargs)
