"""Transaction tokens for calls inside a trust domain (draft-ietf-oauth-transaction-tokens-10)."""

DRAFT = "draft-ietf-oauth-transaction-tokens-10"
