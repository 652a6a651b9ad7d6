"""Validator mixin: ``tmb`` at the token endpoint, checked with the grant like DPoP."""

from __future__ import annotations

from typing import Any

from .. import context
from ..core.errors import InvalidRequest
from ..core.oauthlib_errors import raised_to_oauthlib
from ..features import Proceed, Validator
from ..tokens.claims import token_type
from .services import requested_confirmation


class KeyBindingHooks:
    def validate_grant_type(self, validator: Validator, proceed: Proceed, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, grant_type, client, request, *args, **kwargs):
            return False
        with raised_to_oauthlib():
            context.of(request).deferred_cnf = requested_confirmation(request)
            if context.of(request).deferred_cnf is not None and context.of(request).pop is not None:
                raise InvalidRequest("tmb cannot be combined with a PoP key request")
        return True

    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = proceed(token, request, *args, **kwargs)
        cnf = context.of(request).deferred_cnf
        if cnf is not None:
            # The token type follows the key it is bound to, not the requester's proof.
            token["token_type"] = token_type({"cnf": cnf})
        return result
