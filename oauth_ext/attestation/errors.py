"""Attestation error codes (draft-ietf-oauth-attestation-based-client-auth-11 §7.4)."""

from ..core.errors import OAuthError


class UseAttestationChallenge(OAuthError):
    """§7.4: "MUST be used when the Client Attestation PoP JWT is not using an expected
    server-provided challenge"; §6.1: 400 with a fresh challenge in the
    ``OAuth-Client-Attestation-Challenge`` header."""

    error = "use_attestation_challenge"
    description = "Authorization Server requires a fresh challenge"


class UseFreshAttestation(OAuthError):
    """§7.4: "MUST be used when the Client Attestation JWT is deemed to be not fresh
    enough to be acceptable by the server" (expired, or issued too long ago)."""

    error = "use_fresh_attestation"
    description = "the client attestation is not fresh enough"


class InvalidClientAttestation(OAuthError):
    """§7.4: "if the attestation or its proof of possession could not be successfully
    verified, the public keys of the Client Attestation JWT and the proof of
    possession don't match, or the proof of possession is not supported". A client
    authentication failure, hence 401 like ``invalid_client``; the reason is logged only."""

    error = "invalid_client_attestation"
    status_code = 401
    description = "client attestation or its proof of possession could not be verified"
