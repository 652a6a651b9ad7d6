"""RFC 9449 OAuth 2.0 Demonstrating Proof of Possession (DPoP)."""
