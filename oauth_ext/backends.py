"""DOT's OAuthLibCore with what oauthlib cannot see or say on its own.

DOT collapses repeated form parameters to their last value before oauthlib sees
them, so a request carrying two ``client_assertion`` (or ``scope``) values would pass
as one. RFC 6749 §3.2 forbids repeats; keeping them lets the validator and the
grants refuse them with ``invalid_request``. And when DPoP nonces are required,
every token response carries a fresh one (RFC 9449 §8.2). Set ``OAUTH2_PROVIDER["OAUTH2_BACKEND_CLASS"]
= "oauth_ext.backends.OAuthLibCore"``.
"""

from __future__ import annotations

from oauth2_provider.oauth2_backends import OAuthLibCore as DOTOAuthLibCore

from .bcp.custom_validators import SINGLE_VALUED
from .conf import app_settings
from .dpop import nonces


class OAuthLibCore(DOTOAuthLibCore):
    def extract_body(self, request):
        body = super().extract_body(request)
        repeated = [
            (key, value)
            for key, values in request.POST.lists()
            if key in SINGLE_VALUED and len(values) > 1
            for value in values[:-1]
        ]
        return repeated + body

    def create_token_response(self, request):
        uri, headers, body, status = super().create_token_response(request)
        if app_settings.DPOP.ENABLED and app_settings.DPOP.REQUIRE_NONCE and "DPoP-Nonce" not in headers:
            headers["DPoP-Nonce"] = nonces.issue()
        return uri, headers, body, status
