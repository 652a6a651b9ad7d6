"""DOT's OAuthLibCore, keeping repeated credential parameters visible.

DOT collapses repeated form parameters to their last value before oauthlib sees
them, so a request carrying two ``client_assertion`` values would pass as one.
RFC 6749 §3.2 forbids repeats; keeping them lets the validator refuse them with
``invalid_request``. Set ``OAUTH2_PROVIDER["OAUTH2_BACKEND_CLASS"] =
"oauth_ext.backends.OAuthLibCore"``.
"""

from __future__ import annotations

from oauth2_provider.oauth2_backends import OAuthLibCore as DOTOAuthLibCore

CREDENTIAL_PARAMETERS = frozenset({"client_id", "client_secret", "client_assertion", "client_assertion_type"})


class OAuthLibCore(DOTOAuthLibCore):
    def extract_body(self, request):
        body = super().extract_body(request)
        repeated = [
            (key, value)
            for key, values in request.POST.lists()
            if key in CREDENTIAL_PARAMETERS and len(values) > 1
            for value in values[:-1]
        ]
        return repeated + body
