"""Client authentication by our methods: the registered method among those presented,
then the client's instance still active.

Apart from :mod:`.registry` (which methods exist), so that the client models can ask
the registry without importing the client services that import them.
"""

from __future__ import annotations

from typing import Any

from ..client_instances import stateless
from ..client_instances.services import ensure_active
from ..clients.services import get_profile, load_client
from ..core.errors import InvalidClient, InvalidRequest
from . import registry


def authenticate(request: Any) -> registry.ClientAuthMethod | None:
    """Authenticate with one of our methods, or return None to leave it to DOT.

    On success ``request.client`` is the authenticated Application. Raises
    :class:`InvalidRequest` for several mechanisms at once and
    :class:`InvalidClient` for any failed check.
    """
    mechanisms = registry.presented_mechanisms(request)
    if len(mechanisms) > 1:
        raise InvalidRequest("more than one client authentication mechanism", reason=f"mechanisms: {mechanisms}")
    candidates = [m for m in registry.methods() if m.presented(request)]
    if not candidates:
        return None
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
