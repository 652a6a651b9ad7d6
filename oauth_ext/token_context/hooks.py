"""Validator mixin: remember the extensions used at the authorization endpoint."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import get_grant_model

from ..features import Proceed, Validator
from .models import GrantContext


class TokenContextHooks:
    def save_authorization_code(self, validator: Validator, proceed: Proceed, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> None:
        proceed(client_id, code, request, *args, **kwargs)
        used = []
        if getattr(request, "request_uri", None):  # a pushed request (our authorization view keeps it in the query)
            used.append("par")
        if getattr(request, "authorization_details", None):
            used.append("rar")
        if used:
            grant = get_grant_model().objects.get(code=code["code"], application=request.client)
            GrantContext.objects.create(grant=grant, extensions=used)
