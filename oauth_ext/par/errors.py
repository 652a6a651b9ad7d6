"""PAR error codes."""

from ..core.errors import OAuthError


class InvalidRequestURI(OAuthError):
    """RFC 9126 §4 / RFC 9101 §10.2: the request_uri is unknown, expired, used, or
    belongs to another client."""

    error = "invalid_request_uri"
