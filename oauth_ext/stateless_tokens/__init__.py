"""Stateless access tokens (``ACCESS_TOKENS.STATELESS``): JWT access tokens without
a row in DOT's AccessToken table.

A token's state is its status-list entry (draft-ietf-oauth-status-list-21) plus a
compact side record naming the client, the user and the expiry, both written by one
statement. The seams into the rest of the package are few and explicit:

- ``hooks.StatelessTokenHooks``: its validator hooks, next to DOT's validator (token
  save, RFC 7009 revocation), through ``feature.FEATURE``;
- ``services.introspect``: the introspection view's answer for a token DOT does not
  know (RFC 7662); ``services.live``: Txn-Token exchange and registration accept a
  live one where they look a stored token up;
- ``services.revoke_all``: instance revocation and consent withdrawal;
- ``receivers``: a deleted client's tokens;
- ``issues_stateless(token)``: the status-list hook leaves the entry of such a
  token to this package.

Revocation reaches stateless tokens whatever the setting (a site that turns the mode
off can still revoke what it issued); what accepts one follows the setting.
"""

from typing import Any

from ..conf import app_settings


def enabled() -> bool:
    """Stateless mode needs the status list: a token without an entry could never be revoked."""
    return bool(app_settings.ACCESS_TOKENS.STATELESS and app_settings.STATUS_LIST.ENABLED)


def issues_stateless(token: dict[str, Any]) -> bool:
    """Whether this token response's access token goes unstored: one issued with a
    refresh token stays in DOT's table, whose refresh-token lifecycle reads it."""
    return enabled() and not token.get("refresh_token")
