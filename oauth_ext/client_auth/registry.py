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
from ..core.errors import InvalidClient, InvalidRequest


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


def authenticate(request: Any) -> ClientAuthMethod | None:
    """Authenticate with one of our methods, or return None to leave it to DOT.

    On success ``request.client`` is the authenticated Application. Raises
    :class:`InvalidRequest` for several mechanisms at once and
    :class:`InvalidClient` for any failed check.
    """
    mechanisms = presented_mechanisms(request)
    if len(mechanisms) > 1:
        raise InvalidRequest("more than one client authentication mechanism", reason=f"mechanisms: {mechanisms}")
    candidates = [m for m in methods() if m.presented(request)]
    if not candidates:
        return None
    from ..client_instances import stateless
    from ..client_instances.services import ensure_active
    from ..clients.services import get_profile, load_client

    client_id = candidates[0].identify(request)
    client = load_client(client_id)
    if client is None and stateless.is_stateless(client_id):
        client = stateless.materialize(client_id)
    if client is None or not client.is_usable(request):
        raise InvalidClient(reason=f"unknown or unusable client {client_id!r}")
    profile = get_profile(client)
    registered = profile.token_endpoint_auth_method if profile else None
    method = next((m for m in candidates if m.name == registered), None)
    if method is None:
        raise InvalidClient(reason=f"client {client_id!r} is registered for {registered!r}, not {[m.name for m in candidates]}")
    method.authenticate(request, client, profile)
    ensure_active(client)
    request.client = client
    request.client_id = client.client_id
    return method
