"""Validator mixin: a revoked instance cannot start an authorization, and the first
user to authorize an instance becomes its owner."""

from __future__ import annotations

from typing import Any

from ..core.errors import InvalidClient
from .services import bind_user, ensure_active, instance_of


class ClientInstanceValidatorMixin:
    def validate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_client_id(client_id, request, *args, **kwargs):
            return False
        try:
            ensure_active(request.client)
        except InvalidClient:
            return False
        return True

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().save_bearer_token(token, request, *args, **kwargs)
        if request.client is not None and instance_of(request.client) is not None:
            bind_user(request.client, getattr(request, "user", None))
        return result
