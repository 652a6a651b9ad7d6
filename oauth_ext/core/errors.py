"""One error vocabulary for every endpoint.

Each OAuth error code registered by a spec is one subclass of :class:`OAuthError`
carrying its ``error`` value and HTTP status. Views raise them; the renderer in
:mod:`oauth_ext.core.handlers` turns them into the RFC 6749 §5.2 JSON body. The
``description`` is what the client sees and stays generic for authentication
failures; ``reason`` is what the log sees.
"""

from __future__ import annotations


class OAuthError(Exception):
    """Base class: an OAuth error response."""

    error: str = "server_error"
    status_code: int = 400
    description: str | None = None

    def __init__(
        self,
        description: str | None = None,
        *,
        reason: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        if description is not None:
            self.description = description
        self.reason = reason or self.description or self.error
        self.headers = dict(headers or {})
        super().__init__(self.reason)

    def as_dict(self) -> dict[str, str]:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


class InvalidRequest(OAuthError):
    """RFC 6749 §5.2: "The request is missing a required parameter, includes an
    unsupported parameter value ..., repeats a parameter, includes multiple
    credentials, utilizes more than one mechanism for authenticating the client,
    or is otherwise malformed."""

    error = "invalid_request"


class InvalidClient(OAuthError):
    """RFC 6749 §5.2: "Client authentication failed (e.g., unknown client, no
    client authentication included, or unsupported authentication method)."
    Answered with 401; the client sees only the generic description."""

    error = "invalid_client"
    status_code = 401
    description = "client authentication failed"


class InvalidGrant(OAuthError):
    """RFC 6749 §5.2: the grant or refresh token is invalid, expired or revoked."""

    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    """RFC 6749 §5.2: the client is not authorized to use this grant type."""

    error = "unauthorized_client"


class InvalidScope(OAuthError):
    """RFC 6749 §5.2: the requested scope is invalid, unknown or malformed."""

    error = "invalid_scope"


class UnsupportedGrantType(OAuthError):
    """RFC 6749 §5.2: the grant type is not supported by the authorization server."""

    error = "unsupported_grant_type"


class InvalidTarget(OAuthError):
    """RFC 8707 §2 / RFC 8693 §2.2.2: the requested resource or audience is invalid,
    unknown, or not one the server will issue a token for."""

    error = "invalid_target"


class InvalidToken(OAuthError):
    """RFC 6750 §3.1: the access token is expired, revoked, malformed or invalid."""

    error = "invalid_token"
    status_code = 401


class InsufficientScope(OAuthError):
    """RFC 6750 §3.1: "The request requires higher privileges than provided by the
    access token." Answered with 403."""

    error = "insufficient_scope"
    status_code = 403
    description = "The access token lacks the required scope."


class TemporarilyUnavailable(OAuthError):
    """RFC 6749 §4.1.2.1: the server cannot handle the request right now. Used when
    a security store (replay cache, throttle counters, key fetch) is unreachable: we
    fail closed, and tell the client when to retry (RFC 9110 §10.2.3)."""

    error = "temporarily_unavailable"
    status_code = 503
    retry_after = 30

    def __init__(self, description: str | None = None, *, reason: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(description, reason=reason, headers=headers)
        self.headers.setdefault("Retry-After", str(self.retry_after))
