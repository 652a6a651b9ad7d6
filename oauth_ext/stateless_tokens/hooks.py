"""Validator hooks: where a stateless access token is saved and revoked.

They sit next to DOT's validator, inside every other feature's hooks
(``features.HOOK_ORDER``), so the features still see DOT's ``_save_bearer_token``
flow unchanged; only DOT's writing of the row changes:

- ``_create_access_token``, for an access token issued without a refresh token,
  writes the status entry and the side record (one statement) and returns an
  *unsaved* AccessToken, which the token view passes to DOT's ``app_authorized``.
  An access token issued with a refresh token is stored as DOT stores it: DOT's
  refresh-token lifecycle reads that row (an orphan refresh token is refused, its
  expiry slides with the access token, reuse protection asks whether it was
  superseded through ``source_refresh_token``);
- ``revoke_token`` (RFC 7009) revokes as DOT does, then marks a stateless token's
  entry INVALID.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import get_access_token_model

from .. import context
from ..features import Proceed, Validator
from ..tokens.views import remember_issued
from . import issues_stateless, services


class StatelessTokenHooks:
    def _create_access_token(self, validator: Validator, proceed: Proceed, expires: Any, request: Any,
                             token: dict[str, Any], source_refresh_token: Any = None) -> Any:
        entry = context.of(request).status_entry
        if entry is None or not issues_stateless(token):
            return proceed(expires, request, token, source_refresh_token=source_refresh_token)
        user_id = getattr(request.user, "pk", None)  # None: client_credentials
        services.record(entry, token["access_token"], application_id=request.client.pk, user_id=user_id,
                        expires=expires)
        access_token = get_access_token_model()(user=request.user, scope=token["scope"], expires=expires,
                                                application=request.client, resource=getattr(request, "resource", []))
        validator._set_token_value(access_token, token["access_token"])
        access_token.token_checksum = services.checksum(token["access_token"])  # DOT derives it on save
        remember_issued(access_token)
        return access_token

    def revoke_token(self, validator: Validator, proceed: Proceed, token: str, token_type_hint: str | None, request: Any,
                     *args: Any, **kwargs: Any) -> None:
        # DOT's stored tokens first; then a stateless one, whatever the hint (RFC 7009
        # §2.1: a hint only speeds the lookup up) and whatever the setting now is.
        proceed(token, token_type_hint, request, *args, **kwargs)
        services.revoke(token, request.client)
