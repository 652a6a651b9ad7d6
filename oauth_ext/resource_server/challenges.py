"""When a valid token is not enough: step-up challenges a resource server answers.

Authorization (which ``authorization_details``, RFC 9396, the token lacks), in the
form ``RESOURCE_SERVER.STEP_UP_CHALLENGE`` (or the call) chooses:

- ``"requested_authorization"`` (draft-lombardo-oauth-step-up-authz-challenge-proto-01):
  403, the body names the ``method`` and the ``authorization_details``;
- ``"insufficient_authorization"`` (the same draft's latest revision, -03): 403
  ``insufficient_authorization`` with ``body_instructions=true`` (and
  ``resource_metadata_uri`` when given), the body an AuthZEN decision whose
  ``context.details`` locate the missing ``authorization_details`` (OpenID ASC);
- ``"authorization_remediation"`` (draft-zehavi-oauth-rar-metadata-06 §4): 401
  ``insufficient_authorization`` with ``authorization_remediation``, base64url JSON of
  the ``authorization_details`` and a stable ``authorization_reference``.

Authentication: ``insufficient_user_authentication`` (RFC 9470 §3), 401 with the
``acr_values`` or ``max_age`` the user must authenticate with.

Raise them from a view protected by ``token_required`` (or DRF with our exception
handler); the ``WWW-Authenticate`` challenge uses the scheme of the token.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from ..conf import app_settings
from ..core import jose
from ..core.errors import OAuthError
from ..tokens.validation import TokenInfo

DRAFT = "draft-lombardo-oauth-step-up-authz-challenge-proto-03"
REMEDIATION_DRAFT = "draft-zehavi-oauth-rar-metadata-06"
RAR_METHOD = "urn:ietf:params:oauth:grant-ext:rar"
SCHEMES = {"DPoP": "DPoP", "pop": "PoP"}
STYLES = ("requested_authorization", "insufficient_authorization", "authorization_remediation")


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class Token(str):
    """An auth-param value sent as a token (``true``, base64url), not a quoted string."""


class StepUpChallenge(OAuthError):
    """A challenge whose ``WWW-Authenticate`` carries extra auth-params."""

    def __init__(self, description: str | None = None, *, token: TokenInfo | None = None, params: dict[str, str] | None = None):
        super().__init__(description)
        scheme = SCHEMES.get(token.token_type, "Bearer") if token is not None else "Bearer"
        items = {"error": self.error, "error_description": self.description or "", **(params or {})}
        self.headers["WWW-Authenticate"] = f"{scheme} " + ", ".join(
            f"{k}={v}" if isinstance(v, Token) else f'{k}="{_quoted(str(v))}"' for k, v in items.items() if v != "")


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


class InsufficientAuthorization(StepUpChallenge):
    """draft-lombardo-oauth-step-up-authz-challenge-proto-03 §4: 403
    ``insufficient_authorization``, "The authorization level requires more details"
    (§4.3), ``body_instructions=true`` and an AuthZEN decision naming what to obtain."""

    error = "insufficient_authorization"
    status_code = 403
    description = "The authorization level requires more details"

    def __init__(self, authorization_details: list[dict[str, Any]], *, token: TokenInfo | None = None,
                 resource_metadata_uri: str | None = None):
        params: dict[str, str] = {"resource_metadata_uri": resource_metadata_uri or "", "body_instructions": Token("true")}
        super().__init__(token=token, params=params)
        self.authorization_details = authorization_details

    def as_dict(self) -> dict[str, Any]:
        # §4.4.2.1: an AuthZEN response; details in OpenID Connect Advanced Syntax for Claims.
        return {"decision": False, "context": {"error_msg": "Missing authorization_details", "details": [
            {"loc": "/authorization_details", "method": "simple", "value": self.authorization_details}]}}


def authorization_reference(authorization_details: list[dict[str, Any]]) -> str:
    """draft-zehavi-oauth-rar-metadata-06 §4.1: an opaque, stable reference, here a
    digest of the canonical JSON of the details."""
    canonical = json.dumps(authorization_details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return jose.b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest()[:16])


class AuthorizationRemediation(StepUpChallenge):
    """draft-zehavi-oauth-rar-metadata-06 §4: 401 ``insufficient_authorization`` with
    ``authorization_remediation``, the base64url JSON of what to request."""

    error = "insufficient_authorization"
    status_code = 401
    description = "Additional authorization is required"

    def __init__(self, authorization_details: list[dict[str, Any]], *, token: TokenInfo | None = None,
                 reference: bool = True):
        self.remediation: dict[str, Any] = {"authorization_details": authorization_details}
        if reference:  # omitted for details a token may serve only once
            self.remediation["authorization_reference"] = authorization_reference(authorization_details)
        encoded = jose.b64url_encode(json.dumps(self.remediation, separators=(",", ":")).encode("utf-8"))
        super().__init__(token=token, params={"authorization_remediation": Token(encoded)})


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


def require_authorization_details(token: TokenInfo, required: list[dict[str, Any]], *, style: str | None = None,
                                  resource_metadata_uri: str | None = None) -> None:
    """Unless the token carries ``required``, raise the challenge of ``style`` (default
    ``RESOURCE_SERVER.STEP_UP_CHALLENGE``): :class:`RequestedAuthorization`,
    :class:`InsufficientAuthorization` or :class:`AuthorizationRemediation`."""
    if has_authorization_details(token, required):
        return
    style = style or app_settings.RESOURCE_SERVER.STEP_UP_CHALLENGE
    if style == "insufficient_authorization":
        raise InsufficientAuthorization(required, token=token, resource_metadata_uri=resource_metadata_uri)
    if style == "authorization_remediation":
        raise AuthorizationRemediation(required, token=token)
    if style != "requested_authorization":
        raise ValueError(f"unknown step-up challenge style {style!r}; one of {STYLES}")
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
