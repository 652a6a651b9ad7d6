"""RFC 9396 error code."""

from ..core.errors import OAuthError


class InvalidAuthorizationDetails(OAuthError):
    """RFC 9396 §5: "The AS MUST refuse to process any unknown authorization details
    type or authorization details not conforming to the respective type definition"
    with ``invalid_authorization_details``."""

    error = "invalid_authorization_details"
