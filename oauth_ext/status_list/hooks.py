"""Validator mixin: record which token holds the index its ``status`` claim names.

``_save_bearer_token`` is the hook DOT documents for storing token data. The entry
is written before the token rows: inside DOT's transaction they commit together;
without one (``tokens.storage``) an entry may exist for a token never saved, but a
saved token always has its entry.
"""

from __future__ import annotations

from typing import Any

from .. import context, stateless_tokens
from ..features import Proceed, Validator
from . import services


class StatusListHooks:
    def _save_bearer_token(self, validator: Validator, proceed: Proceed, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        entry = context.of(request).status_entry
        if entry is not None and not stateless_tokens.issues_stateless(token):  # else written with its side record
            services.record(*entry, token["access_token"])
        return proceed(token, request, *args, **kwargs)
