"""The ``authorization_details`` claim of JWT access tokens (RFC 9396 §9.1)."""

from __future__ import annotations

from typing import Any

from .. import context
from ..consent.resources import requested
from .services import for_resources


def authorization_details(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    details = context.of(request).details
    return {"authorization_details": for_resources(details, requested(request))} if details else {}
