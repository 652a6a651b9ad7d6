"""RFC 7591 §3.2.2 errors about software statements."""

from ..core.errors import OAuthError


class InvalidSoftwareStatement(OAuthError):
    """RFC 7591 §3.2.2: "The software statement presented is invalid." (bad
    signature, expired, malformed)."""

    error = "invalid_software_statement"
    description = "The software statement presented is invalid."


class UnapprovedSoftwareStatement(OAuthError):
    """RFC 7591 §3.2.2: "The software statement presented is not approved for use by
    this authorization server." (untrusted or disabled publisher, software not
    vouched for)."""

    error = "unapproved_software_statement"
    description = "The software statement presented is not approved for use by this authorization server."
