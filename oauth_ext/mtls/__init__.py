"""Mutual-TLS client authentication and certificate-bound access tokens (RFC 8705) for
deployments whose TLS ends at a proxy that verifies the client certificate and
forwards it in a request header."""
