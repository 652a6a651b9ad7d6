"""Token Status List, draft-ietf-oauth-status-list-21: every JWT access token gets an
index in a signed, compressed bit array that resource servers fetch instead of
introspecting each token."""

DRAFT = "draft-ietf-oauth-status-list-21"
