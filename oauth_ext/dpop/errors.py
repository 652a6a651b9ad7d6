"""DPoP error codes (RFC 9449 §12.2)."""

from ..core.errors import OAuthError


class InvalidDPoPProof(OAuthError):
    """RFC 9449 §5: "the DPoP proof is invalid" → ``invalid_dpop_proof``, 400 at the
    token endpoint (a resource server answers 401 with a ``DPoP`` challenge)."""

    error = "invalid_dpop_proof"
    description = "invalid DPoP proof"


class UseDPoPNonce(OAuthError):
    """RFC 9449 §8: the server requires a nonce; the response carries a fresh one in
    the ``DPoP-Nonce`` header."""

    error = "use_dpop_nonce"
    description = "Authorization server requires nonce in DPoP proof"
