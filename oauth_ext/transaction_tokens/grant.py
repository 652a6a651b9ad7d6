"""The RFC 8693 token-exchange grant, profiled for Txn-Tokens, as an oauthlib grant.

oauthlib has no token exchange; :class:`oauth_ext.server.Server` registers this grant
next to its own so the token endpoint authenticates the workload exactly as for any
other grant (our client-auth methods included), then hands over to the services.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types.base import GrantTypeBase

from .. import context
from ..client_auth.registry import body_param
from ..conf import app_settings
from ..core.errors import UnsupportedGrantType
from ..core.oauthlib_errors import raised_to_oauthlib
from ..key_binding.services import requested_confirmation
from . import services

logger = logging.getLogger(__name__)

PARAMETERS = (
    "requested_token_type", "audience", "scope", "subject_token", "subject_token_type",
    "request_context", "request_details",
)


class TokenExchangeGrant(GrantTypeBase):
    def create_token_response(self, request: Any, token_handler: Any) -> tuple[dict[str, str], str, int]:
        headers = self._get_default_headers()
        try:
            self.validate_token_request(request)
            with raised_to_oauthlib():
                exchange = services.TxnTokenRequest(**{name: body_param(request, name) for name in PARAMETERS})
                body = services.issue(
                    exchange,
                    client_id=request.client.client_id,
                    auth_method=context.of(request).client_auth_method,
                    cnf=requested_confirmation(request),
                )
        except errors.OAuth2Error as exc:
            logger.info("token exchange refused: %s: %s", exc.error, exc.description)
            headers.update(exc.headers)
            return headers, exc.json, exc.status_code
        return headers, json.dumps(body), 200

    def validate_token_request(self, request: Any) -> None:
        with raised_to_oauthlib():
            if not app_settings.TRANSACTION_TOKENS.ENABLED:
                raise UnsupportedGrantType("token exchange is not enabled")
        for param in ("grant_type", *PARAMETERS):
            if param in request.duplicate_params:
                raise errors.InvalidRequestError(description=f"Duplicate {param} parameter.", request=request)
        # Only authenticated workloads: never a public client (draft -10 §7.2).
        if not (self.request_validator.client_authentication_required(request) and self.request_validator.authenticate_client(request)):
            raise errors.InvalidClientError(request=request)
