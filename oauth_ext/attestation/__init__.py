"""Attestation-based client authentication, draft-ietf-oauth-attestation-based-client-auth-11:
a client instance presents an attestation signed by a trusted attester and proves
possession of the key it names, with a PoP JWT or a DPoP proof (combined mode)."""

DRAFT = "draft-ietf-oauth-attestation-based-client-auth-11"
