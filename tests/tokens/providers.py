"""A claims provider used by the tests of the extension point."""


def tenant_claim(request, claims):
    return {"tenant": "acme", "sub": "overridden?", "client_id_seen": claims["client_id"]}
