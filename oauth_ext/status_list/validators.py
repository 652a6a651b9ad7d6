"""Validator mixin: record which token holds the index its ``status`` claim names.

``_save_bearer_token`` is the hook DOT documents for storing token data: it runs
inside DOT's own transaction, so the entry and the token rows commit together.
"""

from __future__ import annotations

from typing import Any

from . import services


class StatusListValidatorMixin:
    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        entry = getattr(request, "status_entry", None)
        if entry is not None:
            services.record(*entry, token["access_token"])
        return result
