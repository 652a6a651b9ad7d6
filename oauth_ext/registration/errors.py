"""RFC 7591 §3.2.2 errors about client metadata."""

from ..core.errors import OAuthError


class InvalidRedirectURI(OAuthError):
    """RFC 7591 §3.2.2: "The value of one or more redirection URIs is invalid."."""

    error = "invalid_redirect_uri"


class InvalidClientMetadata(OAuthError):
    """RFC 7591 §3.2.2: "The value of one of the client metadata fields is invalid
    and the server has rejected this request."."""

    error = "invalid_client_metadata"


class RequestTooLarge(InvalidClientMetadata):
    """A registration body above ``REGISTRATION.MAX_BODY_BYTES``: HTTP 413."""

    status_code = 413
    description = "request too large"
