"""An access token never outlives the authorization behind it
(draft-ietf-oauth-refresh-token-expiration-03 §3: "ATs MUST NOT expire later than
the authorization")."""

from __future__ import annotations

from typing import Any

from .. import context


def authorization_bound(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    consent = context.of(request).consent
    if consent is None or consent.expires_at is None:
        return {}
    end = int(consent.expires_at.timestamp())
    if claims["exp"] <= end:
        return {}
    # The response's expires_in and DOT's row follow (ConsentHooks._save_bearer_token).
    request.expires_in = max(0, end - claims["iat"])
    return {"exp": end}
