"""Validator mixin: client authentication through the method registry.

oauthlib asks ``client_authentication_required`` and then ``authenticate_client`` (or
``authenticate_client_id`` for public clients) at the token, revocation and
introspection endpoints; this mixin answers for our methods and leaves DOT's own
methods to DOT, then enforces the method each client registered. The method that
authenticated the request is kept on it as ``client_auth_method`` (for ``cmr``).
"""

from __future__ import annotations

import logging
from typing import Any

from .. import context
from ..client_instances.services import ensure_active
from ..clients.services import get_profile
from ..core.errors import InvalidClient, OAuthError
from ..core.oauthlib_errors import raised_to_oauthlib, to_oauthlib
from ..features import Proceed, Validator
from . import authentication, registry

logger = logging.getLogger(__name__)


class ClientAuthHooks:
    def client_authentication_required(self, validator: Validator, proceed: Proceed, request: Any, *args: Any, **kwargs: Any) -> bool:
        with raised_to_oauthlib():
            if any(m.presented(request) for m in registry.methods()):
                return True
        return proceed(request, *args, **kwargs)

    def authenticate_client(self, validator: Validator, proceed: Proceed, request: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            method = authentication.authenticate(request)
            if method is not None:
                context.of(request).client_auth_method = method.name
                return True
            if not proceed(request, *args, **kwargs):
                return False
            used = "client_secret_basic" if "client_secret_basic" in registry.presented_mechanisms(request) else "client_secret_post"
            self._enforce_registered_method(request.client, used)
            context.of(request).client_auth_method = used
            return True
        except InvalidClient as exc:
            logger.info("client authentication failed: %s", exc.reason)
            return False
        except OAuthError as exc:
            logger.info("client authentication refused: %s: %s", exc.error, exc.reason)
            raise to_oauthlib(exc) from exc

    def authenticate_client_id(self, validator: Validator, proceed: Proceed, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not proceed(client_id, request, *args, **kwargs):
            return False
        try:
            self._enforce_registered_method(request.client, "none")
            context.of(request).client_auth_method = "none"
        except InvalidClient as exc:
            logger.info("client authentication failed: %s", exc.reason)
            return False
        return True

    def _load_application(self, validator: Validator, proceed: Proceed, client_id: str, request: Any) -> Any:
        # DOT's one lookup of a client by id. PostgreSQL refuses NUL in text, so such
        # an id (sent in the form or inside Basic credentials) would be a 500; it
        # names no client, and is answered as an unknown one.
        if isinstance(client_id, str) and "\x00" in client_id:
            return None
        return proceed(client_id, request)

    @staticmethod
    def _enforce_registered_method(client: Any, used: str) -> None:
        """A client with a profile may use only the method it registered, and a
        revoked instance none."""
        profile = get_profile(client)
        if profile is not None and profile.token_endpoint_auth_method != used:
            raise InvalidClient(
                reason=f"client {client.client_id!r} registered {profile.token_endpoint_auth_method!r} but used {used!r}"
            )
        ensure_active(client)
