"""How a token was obtained, for the services behind the API (draft-lombardo-oauth-client-extension-claims-02)."""

DRAFT = "draft-lombardo-oauth-client-extension-claims-02"
