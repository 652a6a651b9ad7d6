"""PoP key distribution, draft-ietf-oauth-pop-key-distribution-07, with resource
requests signed per draft-ietf-oauth-signed-http-request-03.

Both drafts are expired; the parameter definitions follow RFC 9201 where -07 is
silent (``req_cnf``, ``cnf``, ``rs_cnf``).
"""

KEY_DISTRIBUTION_DRAFT = "draft-ietf-oauth-pop-key-distribution-07"
SIGNED_REQUEST_DRAFT = "draft-ietf-oauth-signed-http-request-03"
