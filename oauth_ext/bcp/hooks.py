"""Validator mixin: exact redirect URIs and authorization-code replay (``oauth_ext.bcp``)."""

from __future__ import annotations

from typing import Any

from ..features import Proceed, Validator
from . import code_replay, redirect_uris


class BCPHooks:
    def validate_redirect_uri(self, validator: Validator, proceed: Proceed, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, redirect_uri, request, *args, **kwargs):
            return False
        return redirect_uris.registered_exactly(redirect_uri, request.client.redirect_uris.split())

    def validate_code(self, validator: Validator, proceed: Proceed, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if proceed(client_id, code, client, request, *args, **kwargs):
            return True
        code_replay.revoke_if_replayed(code)  # a used code: what it issued dies (RFC 6749 §4.1.2)
        return False

    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = proceed(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code":
            code_replay.record(request.code, request.client, token["access_token"])
        return result
