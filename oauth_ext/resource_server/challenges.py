"""When a valid token is not enough: step-up challenges a resource server answers.

- ``requested_authorization`` (draft-lombardo-oauth-step-up-authz-challenge-proto-01):
  403 naming the RFC 9396 ``authorization_details`` the client must obtain, after
  which it asks the AS with them (RAR, or PAR carrying them) and retries.
- ``insufficient_user_authentication`` (RFC 9470 §3): 401 with the ``acr_values``
  or ``max_age`` the user must authenticate with.

Raise them from a view protected by ``token_required`` (or DRF with our exception
handler); the ``WWW-Authenticate`` challenge uses the scheme of the token.
"""

from __future__ import annotations

import time
from typing import Any

from ..core.errors import OAuthError
from ..tokens.validation import TokenInfo

RAR_METHOD = "urn:ietf:params:oauth:grant-ext:rar"
SCHEMES = {"DPoP": "DPoP", "pop": "PoP"}


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class StepUpChallenge(OAuthError):
    """A challenge whose ``WWW-Authenticate`` carries extra auth-params."""

    def __init__(self, description: str | None = None, *, token: TokenInfo | None = None, params: dict[str, str] | None = None):
        super().__init__(description)
        scheme = SCHEMES.get(token.token_type, "Bearer") if token is not None else "Bearer"
        items = {"error": self.error, "error_description": self.description or "", **(params or {})}
        self.headers["WWW-Authenticate"] = f"{scheme} " + ", ".join(f'{k}="{_quoted(str(v))}"' for k, v in items.items() if v != "")


class RequestedAuthorization(StepUpChallenge):
    """draft-lombardo-oauth-step-up-authz-challenge-proto-01: "Requires RAR." The body
    names the ``method`` and the ``authorization_details`` to request."""

    error = "requested_authorization"
    status_code = 403
    description = "Requires RAR."

    def __init__(self, authorization_details: list[dict[str, Any]], description: str | None = None, *, token: TokenInfo | None = None):
        super().__init__(description, token=token)
        self.authorization_details = authorization_details

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "method": RAR_METHOD, "authorization_details": self.authorization_details}


class InsufficientUserAuthentication(StepUpChallenge):
    """RFC 9470 §3: "The authentication event associated with the access token
    presented with the request does not meet the authentication requirements of the
    protected resource." """

    error = "insufficient_user_authentication"
    status_code = 401
    description = "A different authentication level is required"


def _covers(granted: Any, required: Any) -> bool:
    """``granted`` grants at least ``required``: arrays by inclusion, objects member by member."""
    if isinstance(required, dict):
        return isinstance(granted, dict) and all(_covers(granted.get(k), v) for k, v in required.items())
    if isinstance(required, list):
        return isinstance(granted, list) and all(any(_covers(g, r) for g in granted) for r in required)
    return granted == required


def has_authorization_details(token: TokenInfo, required: list[dict[str, Any]]) -> bool:
    """Whether the token's RFC 9396 ``authorization_details`` cover every required entry
    (same ``type``; each required member present, arrays as subsets)."""
    granted = token.claims.get("authorization_details")
    return isinstance(granted, list) and all(any(_covers(g, r) for g in granted if isinstance(g, dict)) for r in required)


def require_authorization_details(token: TokenInfo, required: list[dict[str, Any]]) -> None:
    """Raise :class:`RequestedAuthorization` unless the token carries ``required``."""
    if not has_authorization_details(token, required):
        raise RequestedAuthorization(required, token=token)


def require_user_authentication(token: TokenInfo, *, acr_values: list[str] | None = None, max_age: int | None = None) -> None:
    """Raise :class:`InsufficientUserAuthentication` unless the token's ``acr`` is one of
    ``acr_values`` and its ``auth_time`` is at most ``max_age`` seconds old (RFC 9470 §4)."""
    params: dict[str, str] = {}
    if acr_values and token.claims.get("acr") not in acr_values:
        params["acr_values"] = " ".join(acr_values)
    auth_time = token.claims.get("auth_time")
    if max_age is not None and not (isinstance(auth_time, (int, float)) and time.time() - auth_time <= max_age):
        params["max_age"] = str(int(max_age))
    if params:
        description = "More recent authentication is required" if "acr_values" not in params else None
        raise InsufficientUserAuthentication(description, token=token, params=params)
