"""AS metadata: draft-ietf-oauth-refresh-token-expiration-03 §4."""

from __future__ import annotations

from typing import Any

from ..conf import app_settings


def metadata(request: Any) -> dict[str, Any]:
    conf = app_settings.CONSENT
    if not conf.ENABLED:
        return {}
    types = (["authorization"] if conf.LIFETIME else []) + (["token_timeout"] if conf.REFRESH_TOKEN_TIMEOUT else [])
    return {"refresh_token_expiration_types_supported": types}
