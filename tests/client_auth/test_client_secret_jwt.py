"""client_secret_jwt: assertions MACed with the client secret (OIDC Core §9)."""

import pytest
from django.core.exceptions import ValidationError

from oauth_ext.clients.services import set_client_keys
from oauth_ext.core import jose


def test_hs256_assertion_gets_a_token(make_client, token_request):
    client = make_client("client_secret_jwt")
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()})
    assert status == 200, body


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_hmac_algorithms(make_client, token_request, alg):
    client = make_client("client_secret_jwt")
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(alg=alg))})
    assert status == 200, body


def test_wrong_secret_is_invalid_client(make_client, token_request):
    client = make_client("client_secret_jwt")
    assertion = client.assertion(key=b"not-the-secret-" * 4)
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    assert (status, body["error"]) == (401, "invalid_client")


def test_asymmetric_assertion_for_a_secret_client_is_refused(make_client, token_request):
    client = make_client("client_secret_jwt")
    assertion = client.assertion(key=jose.generate_private_key("ES256"), alg="ES256")
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    assert (status, body["error"]) == (401, "invalid_client")


def test_hmac_assertion_for_a_key_client_is_refused(make_client, token_request):
    """A private_key_jwt client never accepts MACs, whatever secret DOT holds for it."""
    client = make_client("private_key_jwt", hash_client_secret=False)
    assertion = client.assertion(key=client.secret.encode(), alg="HS256", headers={"kid": None})
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    assert (status, body["error"]) == (401, "invalid_client")


def test_hashed_secret_cannot_be_registered_for_client_secret_jwt(make_client):
    client = make_client(None)
    assert client.app.hash_client_secret
    with pytest.raises(ValidationError, match="hash_client_secret"):
        set_client_keys(client.app, method="client_secret_jwt")
