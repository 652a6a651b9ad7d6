"""PoP key-distribution error codes."""

from ..core.errors import OAuthError


class InvalidTokenType(OAuthError):
    """draft-ietf-oauth-pop-key-distribution-07 §6: the requested ``token_type`` is
    not one this server issues."""

    error = "invalid_token_type"
    description = "unsupported token_type"
