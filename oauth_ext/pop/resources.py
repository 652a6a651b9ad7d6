"""The resource servers that take PoP tokens, configured where the resource is
listed: its entry in ``RESOURCES.KNOWN`` carries ``pop_encryption_key`` (the public
key symmetric PoP keys are encrypted to) and ``rs_cnf`` (the key the resource
server authenticates with, told to clients in the token response, RFC 9201 §3.2)
and ``introspection_clients`` (the client_ids it introspects with: the only callers
told a symmetric PoP key, RFC 9201 §5).

``POP.RESOURCE_KEYS``, the older place for encryption keys, is still read (and its
resources count as known); system check ``oauth_ext.W030`` asks to move them.
"""

from __future__ import annotations

from typing import Any

from ..conf import app_settings


def _entry(resource: str) -> dict[str, Any]:
    known = app_settings.RESOURCES.KNOWN
    entry = known.get(resource) if isinstance(known, dict) else None
    return entry if isinstance(entry, dict) else {}


def encryption_key(resource: str) -> dict[str, Any] | None:
    """The public JWK a symmetric PoP key for ``resource`` is encrypted to, if any."""
    return _entry(resource).get("pop_encryption_key") or app_settings.POP.RESOURCE_KEYS.get(resource)


def rs_cnf(audience: Any) -> dict[str, Any] | None:
    """``rs_cnf`` for a token with this ``aud``: only for exactly one resource server
    (RFC 9201 §3.2: not when the audience holds several)."""
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or len(audiences) != 1 or not isinstance(audiences[0], str):
        return None
    return _entry(audiences[0]).get("rs_cnf") or None


def introspection_clients(resource: str) -> list[str]:
    """The client_ids with which the resource server at ``resource`` introspects."""
    clients = _entry(resource).get("introspection_clients")
    return clients if isinstance(clients, list) else []
