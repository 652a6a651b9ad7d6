"""Client authentication methods, keyed by their registered names (RFC 7591 §2).

DOT authenticates ``client_secret_basic``, ``client_secret_post`` and ``none``
itself; the methods listed in ``OAUTH_EXT["CLIENT_AUTH"]["METHODS"]`` add theirs.
The registry also answers ``token_endpoint_auth_methods_supported``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.module_loading import import_string
from oauth2_provider.settings import oauth2_settings

from ..conf import app_settings
from ..core.errors import InvalidRequest


class ClientAuthMethod:
    """One way for a client to authenticate at the token, introspection,
    revocation (and later PAR) endpoints."""

    #: The registered ``token_endpoint_auth_method`` value.
    name: str = ""
    #: The kind of credential it reads; methods sharing one (private_key_jwt and
    #: client_secret_jwt both read ``client_assertion``) are told apart by what
    #: the client registered.
    credential: str = ""

    def presented(self, request: Any) -> bool:
        """Whether the request carries this method's credentials."""
        raise NotImplementedError

    def identify(self, request: Any) -> str:
        """The client_id the credentials claim, before anything is verified."""
        raise NotImplementedError

    def authenticate(self, request: Any, client: Any, profile: Any) -> None:
        """Verify the credentials for ``client``; raise an OAuthError on failure."""
        raise NotImplementedError

    def metadata(self) -> dict[str, Any]:
        """AS metadata this method contributes (e.g. signing algorithms)."""
        return {}


@functools.lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[ClientAuthMethod, ...]:
    return tuple(import_string(path)() for path in paths)


def methods() -> tuple[ClientAuthMethod, ...]:
    return _load(tuple(app_settings.CLIENT_AUTH.METHODS))


def get(name: str) -> ClientAuthMethod | None:
    return next((m for m in methods() if m.name == name), None)


def method_names() -> list[str]:
    """Every supported method: DOT's configured ones, then ours."""
    dot = oauth2_settings.OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED
    return list(dict.fromkeys([*dot, *(m.name for m in methods())]))


def presented_mechanisms(request: Any) -> list[str]:
    """Which kinds of client credentials a request carries (RFC 6749 §2.3)."""
    found = []
    auth = request.headers.get("Authorization") or request.headers.get("HTTP_AUTHORIZATION") or ""
    if auth.split(" ", 1)[0].lower() == "basic":
        found.append("client_secret_basic")
    if body_param(request, "client_secret") is not None:
        found.append("client_secret_post")
    found.extend(dict.fromkeys(type(m).credential for m in methods() if m.presented(request)))
    return found


def body_param(request: Any, name: str) -> str | None:
    """A form parameter from the request body, refusing repeats and the query string.

    Credentials belong in the body only (RFC 6749 §2.3.1), once (§3.2).
    """
    values = [v for k, v in (request.decoded_body or []) if k == name]
    if len(values) > 1:
        raise InvalidRequest(f"parameter {name} repeated")
    return values[0] if values else None
