"""Validator mixin: a revoked instance cannot start an authorization, and the first
user to authorize an instance becomes its owner."""

from __future__ import annotations

from typing import Any

from ..clients.services import get_profile
from ..core.errors import InvalidClient
from ..features import Proceed, Validator
from ..par import dynamic
from . import stateless
from .services import bind_user, ensure_active, instance_of


class ClientInstanceHooks:
    def validate_client_id(self, validator: Validator, proceed: Proceed, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            if stateless.is_stateless(client_id):
                stateless.materialize(client_id)  # first use at the authorization endpoint
        except InvalidClient:
            return False
        if not proceed(client_id, request, *args, **kwargs):
            return False
        try:
            ensure_active(request.client)
        except InvalidClient:
            return False
        return True

    def client_authentication_required(self, validator: Validator, proceed: Proceed, request: Any, *args: Any, **kwargs: Any) -> bool:
        if request.client_id == dynamic.DYNAMIC_CLIENT_ID:
            return False  # ephemeral clients are public; their DPoP key is what they prove
        return proceed(request, *args, **kwargs)

    def authenticate_client_id(self, validator: Validator, proceed: Proceed, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if client_id == dynamic.DYNAMIC_CLIENT_ID:
            try:
                request.client = dynamic.resolve(request)
            except InvalidClient:
                return False
            client_id = request.client_id = request.client.client_id
        return proceed(client_id, request, *args, **kwargs)

    def validate_scopes(self, validator: Validator, proceed: Proceed, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, scopes, client, request, *args, **kwargs):
            return False
        registered = _registered_scope(client)
        return registered is None or set(scopes) <= set(registered)

    def get_default_scopes(self, validator: Validator, proceed: Proceed, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        registered = _registered_scope(request.client) if request.client is not None else None
        if registered is not None:
            return registered
        return proceed(client_id, request, *args, **kwargs)

    def save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = proceed(token, request, *args, **kwargs)
        if request.client is not None and instance_of(request.client) is not None:
            bind_user(request.client, getattr(request, "user", None))
        return result


def _registered_scope(client: Any) -> list[str] | None:
    """The scopes the client registered (RFC 7591 §2 ``scope``): an instance's, clipped
    to its publisher's ceiling at registration, else its profile's; None where neither
    says, and DOT's ``SCOPES`` and ``DEFAULT_SCOPES`` apply."""
    instance = instance_of(client)
    if instance is not None and instance.scope:
        return list(instance.scope)
    profile = get_profile(client)
    if profile is not None and profile.scope:
        return list(profile.scope)
    return None
