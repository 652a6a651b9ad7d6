"""SPIFFE client authentication, draft-ietf-oauth-spiffe-client-auth-02: workloads
authenticate with a JWT-SVID (``spiffe_jwt``) or an X.509-SVID over mutual TLS
(``spiffe_x509``), verified with the bundle of their configured trust domain."""

DRAFT = "draft-ietf-oauth-spiffe-client-auth-02"
