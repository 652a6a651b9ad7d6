"""Who may ask for a token bound to a key it does not hold, and for which keys.

The draft's security rests entirely on trusting the requester, so the server
decides per client and per key; ``OAUTH_EXT["DEFERRED_KEY_BINDING"]["POLICY"]``
names the policy class. A policy answers ``allows(client=..., key_id=...,
confirmation=..., request=...)``.
"""

from __future__ import annotations

from typing import Any

from ..conf import app_settings


class RefuseAll:
    """The default: no client may bind a token to a key it does not prove."""

    def allows(self, *, client: Any, key_id: str, confirmation: dict[str, Any], request: Any) -> bool:
        return False


class AllowList:
    """Clients listed in ``DEFERRED_KEY_BINDING["CLIENTS"]``, each for the keys
    (RFC 7638 thumbprints or ``x5t#S256`` values) listed for it, or any key with ``"*"``."""

    def allows(self, *, client: Any, key_id: str, confirmation: dict[str, Any], request: Any) -> bool:
        accepted = app_settings.DEFERRED_KEY_BINDING.CLIENTS.get(client.client_id, ())
        return "*" in accepted or key_id in accepted
