"""RFC 7591 §3.2.2 errors about client metadata."""

from ..core.errors import OAuthError


class InvalidRedirectURI(OAuthError):
    """RFC 7591 §3.2.2: "The value of one or more redirection URIs is invalid."."""

    error = "invalid_redirect_uri"


class InvalidClientMetadata(OAuthError):
    """RFC 7591 §3.2.2: "The value of one of the client metadata fields is invalid
    and the server has rejected this request."."""

    error = "invalid_client_metadata"
