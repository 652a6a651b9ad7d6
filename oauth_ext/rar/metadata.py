"""AS metadata: RFC 9396 §10 ``authorization_details_types_supported``."""

from __future__ import annotations

from typing import Any

from .services import configured_types


def metadata(request: Any) -> dict[str, Any]:
    types = sorted(configured_types())
    return {"authorization_details_types_supported": types} if types else {}
