"""Validator mixin: record which token holds the index its ``status`` claim names,
in the same transaction as DOT's token rows."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import services


class StatusListValidatorMixin:
    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        entry = getattr(request, "status_entry", None)
        if entry is None:
            return super().save_bearer_token(token, request, *args, **kwargs)
        with transaction.atomic():
            result = super().save_bearer_token(token, request, *args, **kwargs)
            services.record(*entry, token["access_token"])
        return result
