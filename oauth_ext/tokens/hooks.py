"""Validator mixin: a client_credentials token is saved without DOT's transaction.

DOT wraps every save in a transaction, which a refresh-token rotation needs (it
revokes, re-reads and writes several rows). A client_credentials response is one
access-token row plus its status-list entry; the entry is written first, each in
autocommit, so a failure between the two leaves an entry that no issued token
holds (its index stays VALID, used by no one), never a token without its entry.
That saves BEGIN and COMMIT, two of the three database round trips of the request.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from ..features import Proceed, Validator


class TokenStorageHooks:
    def save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.grant_type == "client_credentials" and not token.get("refresh_token") and connection.get_autocommit():
            return validator._save_bearer_token(token, request, *args, **kwargs)
        return proceed(token, request, *args, **kwargs)
