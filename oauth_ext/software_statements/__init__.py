"""Software statements (RFC 7591 §2.3) and the publishers enterprise IT trusts to sign them."""
