"""Features that accept one of our access tokens accept a live stateless one, and
refuse it once revoked: Txn-Token exchange (subject token), registration (initial
access token)."""


import pytest

from oauth_ext.transaction_tokens.services import ACCESS_TOKEN_TYPE, GRANT_TYPE, TXN_TOKEN_TYPE

TRUST_DOMAIN = "trust-domain.example"


@pytest.fixture
def revoke(client):
    def run(token, registered):
        response = client.post("/o/revoke_token/", {"token": token, **registered.form()})
        assert response.status_code == 200
        return response

    return run


def test_a_stateless_subject_token_is_exchanged_until_revoked(settings, make_client, issue, token_request, revoke):
    workload = make_client()
    conf = settings.OAUTH_EXT
    domain = {"AUDIENCE": TRUST_DOMAIN, "CLIENTS": [workload.client_id]}
    settings.OAUTH_EXT = {**conf, "TRANSACTION_TOKENS": {**conf["TRANSACTION_TOKENS"], "ENABLED": True,
                                                         "TRUST_DOMAINS": [domain]}}
    owner = make_client()
    subject = issue(client=owner, scope="read")

    def exchange():
        return token_request({"grant_type": GRANT_TYPE, "requested_token_type": TXN_TOKEN_TYPE, "audience": TRUST_DOMAIN,
                              "scope": "read", "subject_token": subject, "subject_token_type": ACCESS_TOKEN_TYPE,
                              **workload.form()})

    status, body, _ = exchange()
    assert status == 200 and body["issued_token_type"] == TXN_TOKEN_TYPE, body
    revoke(subject, owner)
    status, body, _ = exchange()
    assert (status, body["error"]) == (400, "invalid_request")


def test_a_stateless_initial_access_token_registers_until_revoked(make_client, issue, register, revoke):
    issuer = make_client()
    token = issue(client=issuer, scope="registration")
    metadata = {"redirect_uris": ["https://client.example.org/callback"], "token_endpoint_auth_method": "client_secret_basic"}
    status, body = register(metadata, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert status == 201, body
    revoke(token, issuer)
    status, body = register(metadata, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (status, body["error"]) == (401, "invalid_token"), body
