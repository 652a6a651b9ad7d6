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
from oauthlib.common import Request as OauthlibRequest
from oauthlib.common import urlencode
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..conf import app_settings
from ..consent.introspection import refresh_token_answer
from ..core.errors import InvalidClient, InvalidToken
from ..core.handlers import error_response
from ..core.oauthlib_errors import from_oauthlib
from ..pop.keys import introspection_cnf
from ..stateless_tokens import services as stateless_services
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
    oauth_ext_caller = None  # the client_id that authenticated to introspect, if any

    @staticmethod
    def get_token_response(token_value=None, caller=None):
        response = DOTIntrospectTokenView.get_token_response(token_value)
        body = json.loads(response.content)
        if response.status_code == 200 and not body.get("active"):
            body = stateless_services.introspect(token_value) or body  # not in DOT's table
        if body.get("active"):
            claims = jwt_claims(token_value)
            # RFC 7662 §2.2: whose token, from which issuer, for which services; a
            # mail server's passdb (Dovecot's oauth2) checks these.
            body.update({k: claims[k] for k in ("sub", "aud") if k in claims})
            body["iss"] = app_settings.issuer
            body["token_type"] = token_type(claims)
            if isinstance(claims.get("cnf"), dict):
                body["cnf"] = introspection_cnf(claims["cnf"], claims, caller)
            body.update({k: claims[k] for k in ("gty", "cxt", "ccr", "cmr") if k in claims})  # client extension claims
            if "authorization_details" in claims:  # RFC 9396 §9.2
                body["authorization_details"] = claims["authorization_details"]
            response = JsonResponse(body)
        elif token_value and (refresh := refresh_token_answer(token_value)) is not None:
            response = JsonResponse(refresh)  # a refresh token (draft-ietf-oauth-refresh-token-expiration-03 §7)
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request, *args, **kwargs):
        return self.get_token_response(request.GET.get("token"), self.oauth_ext_caller)

    def post(self, request, *args, **kwargs):
        return self.get_token_response(request.POST.get("token"), self.oauth_ext_caller)

    def authenticate_client(self, request):
        """The backend's client authentication, keeping which client it was."""
        core = self.get_oauthlib_core()
        oauth_request = OauthlibRequest(request.get_full_path(), request.method, urlencode(core.extract_body(request)),
                                        core.extract_headers(request))
        authenticated = core.server.request_validator.authenticate_client(oauth_request)
        if authenticated:
            self.oauth_ext_caller = oauth_request.client.client_id
        return authenticated

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
