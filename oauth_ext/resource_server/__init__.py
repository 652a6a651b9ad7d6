"""Protecting a site's own APIs with the tokens this server issues: Bearer (RFC 6750),
DPoP (RFC 9449 §7) and signed PoP requests (draft-ietf-oauth-signed-http-request-03)."""
