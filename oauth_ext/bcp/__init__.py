"""Protections of the OAuth 2.0 Security Best Current Practice (RFC 9700) that DOT
leaves to the site, applied at DOT's and oauthlib's extension points:

- PKCE with ``S256`` only at the authorization endpoint (§2.1.1), as PAR already requires;
- the RFC 9207 ``iss`` parameter on every authorization response, success or error (§4.4);
- redirect URIs compared as exact strings (§4.1.3), loopback ports aside (RFC 8252 §7.3);
- single-valued token-endpoint parameters refused when repeated (RFC 6749 §3.2);
- a replayed authorization code revokes what its first use issued (RFC 6749 §4.1.2, §10.5).
"""
