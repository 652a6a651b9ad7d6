"""Rich Authorization Requests (RFC 9396): ``authorization_details`` at the
authorization and PAR endpoints, kept with the consent, and carried into the token
response, the JWT access token and introspection."""
