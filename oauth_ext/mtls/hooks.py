"""Validator mixin: the client certificate of a token request, kept on the request for
the ``cnf`` claim (RFC 8705 §3), and required from clients that registered
``tls_client_certificate_bound_access_tokens``."""

from __future__ import annotations

from typing import Any

from .. import context
from ..clients.services import get_profile
from ..conf import app_settings
from ..core.errors import InvalidRequest
from ..core.oauthlib_errors import raised_to_oauthlib
from ..features import Proceed, Validator
from . import certificates


class MTLSHooks:
    def validate_grant_type(self, validator: Validator, proceed: Proceed, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, grant_type, client, request, *args, **kwargs):
            return False
        certificate = certificates.client_certificate(request) if app_settings.MTLS.CERTIFICATE_HEADER else None
        context.of(request).client_certificate = certificate
        profile = get_profile(request.client) if request.client is not None else None
        if certificate is None and profile is not None and profile.tls_client_certificate_bound_access_tokens:
            with raised_to_oauthlib():
                raise InvalidRequest("a client certificate is required", reason="client registered certificate-bound tokens")
        return True
