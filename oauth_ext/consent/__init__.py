"""Consent grants: what a user allowed a piece of software (across its instances),
until when; the authorization endpoint asks only for what is not yet granted, and
the token endpoint tells the client when its authorization ends
(draft-ietf-oauth-refresh-token-expiration-03)."""

DRAFT = "draft-ietf-oauth-refresh-token-expiration-03"
