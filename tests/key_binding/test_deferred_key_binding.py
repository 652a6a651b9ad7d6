"""Deferred key binding (draft-richer-oauth-tmb-claim-01): a token bound to a key the
requester does not hold, only where the policy allows it."""

import json

import jwt
import pytest
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.transaction_tokens.services import ACCESS_TOKEN_TYPE, GRANT_TYPE, TXN_TOKEN_TYPE

from ..conftest import basic_auth

Application = get_application_model()
TOKEN_HTU = "https://as.example.com/o/token/"
API = "http://testserver/api/ping/"
ALLOW_LIST = "oauth_ext.key_binding.policies.AllowList"


def allow(settings, clients):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DEFERRED_KEY_BINDING": {"POLICY": ALLOW_LIST, "CLIENTS": clients}}


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def call(client, token, key):
    return client.get("/api/ping/", HTTP_AUTHORIZATION=f"DPoP {token}", HTTP_DPOP=key.proof("GET", API, access_token=token))


def test_refused_by_default(make_client, token_request):
    requester = make_client()
    holder = DPoPKey.generate()
    status, body, _ = token_request({"grant_type": "client_credentials", "tmb": json.dumps({"jkt": holder.jkt}), **requester.form()})
    assert (status, body["error"]) == (400, "unauthorized_client")
    assert not get_access_token_model().objects.exists()


def test_bound_to_the_holders_key_under_policy(make_client, token_request, client, settings):
    requester = make_client()
    holder = DPoPKey.generate()
    allow(settings, {requester.client_id: [holder.jkt]})
    own = DPoPKey.generate()
    # The requester's own DPoP key is ignored for the token's cnf (the draft: MUST be ignored).
    status, body, _ = token_request(
        {"grant_type": "client_credentials", "scope": "read", "tmb": json.dumps({"jkt": holder.jkt}), **requester.form()},
        HTTP_DPOP=own.proof("POST", TOKEN_HTU),
    )
    assert status == 200, body
    assert body["token_type"] == "DPoP"
    assert claims_of(body["access_token"])["cnf"] == {"jkt": holder.jkt}
    assert call(client, body["access_token"], holder).status_code == 200
    refused = call(client, body["access_token"], own)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    # Introspection returns the bound key as cnf.
    rs = make_client(None, hash_client_secret=False)
    introspected = client.post("/o/introspect/", {"token": body["access_token"]}, **basic_auth(rs.client_id, rs.secret)).json()
    assert introspected["active"] is True and introspected["cnf"] == {"jkt": holder.jkt}


def test_public_key_by_value(make_client, token_request, settings):
    requester = make_client()
    holder = jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    allow(settings, {requester.client_id: ["*"]})
    status, body, _ = token_request({"grant_type": "client_credentials", "tmb": json.dumps({"jwk": holder}), **requester.form()})
    assert status == 200, body
    assert claims_of(body["access_token"])["cnf"] == {"jwk": holder}
    assert body["token_type"] == "pop"


def test_policy_limits_clients_and_keys(make_client, token_request, settings):
    requester, other = make_client(), make_client()
    allowed, unlisted = DPoPKey.generate(), DPoPKey.generate()
    allow(settings, {requester.client_id: [allowed.jkt]})
    status, body, _ = token_request({"grant_type": "client_credentials", "tmb": json.dumps({"jkt": unlisted.jkt}), **requester.form()})
    assert (status, body["error"]) == (400, "unauthorized_client")
    status, body, _ = token_request({"grant_type": "client_credentials", "tmb": json.dumps({"jkt": allowed.jkt}), **other.form()})
    assert (status, body["error"]) == (400, "unauthorized_client")


def test_public_clients_never(make_client, token_request, authorize, django_user_model, settings):
    app = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    holder = DPoPKey.generate()
    allow(settings, {app.client_id: ["*"]})
    user = django_user_model.objects.create_user("pat", password="pw")
    status, body, _ = token_request({**authorize(app, user), "tmb": json.dumps({"jkt": holder.jkt})})
    assert (status, body["error"]) == (400, "unauthorized_client")


PRIVATE = jose.private_key_to_jwk(jose.generate_private_key("ES256"))


@pytest.mark.parametrize("value", [
    "not json",
    json.dumps(["jkt"]),
    json.dumps({}),
    json.dumps({"jkt": "a" * 43, "x5t#S256": "b" * 43}),
    json.dumps({"jkt": "too-short"}),
    json.dumps({"x5t#S256": 12}),
    json.dumps({"jwk": PRIVATE}),
    json.dumps({"jwk": {"kty": "oct", "k": "c2VjcmV0"}}),
    json.dumps({"jwk": "not a key"}),
    json.dumps({"jwe": "eyJ..."}),
    json.dumps({"jkt": "a" * 43, "pad": "x" * 5000}),
])
def test_malformed_values(make_client, token_request, settings, value):
    requester = make_client()
    allow(settings, {requester.client_id: ["*"]})
    status, body, _ = token_request({"grant_type": "client_credentials", "tmb": value, **requester.form()})
    assert (status, body["error"]) == (400, "invalid_request"), body


def test_txn_token_bound_by_tmb(make_client, token_request, settings):
    requester = make_client()
    holder = DPoPKey.generate()
    settings.OAUTH_EXT = {
        **settings.OAUTH_EXT,
        "DEFERRED_KEY_BINDING": {"POLICY": ALLOW_LIST, "CLIENTS": {requester.client_id: [holder.jkt]}},
        "TRANSACTION_TOKENS": {**settings.OAUTH_EXT["TRANSACTION_TOKENS"],
                               "TRUST_DOMAINS": [{"AUDIENCE": "trust-domain.example", "CLIENTS": [requester.client_id]}]},
    }
    status, subject, _ = token_request({"grant_type": "client_credentials", "scope": "read", **requester.form()})
    assert status == 200, subject
    status, body, _ = token_request({
        "grant_type": GRANT_TYPE, "requested_token_type": TXN_TOKEN_TYPE, "audience": "trust-domain.example",
        "scope": "read", "subject_token": subject["access_token"], "subject_token_type": ACCESS_TOKEN_TYPE,
        "tmb": json.dumps({"jkt": holder.jkt}), **requester.form(),
    })
    assert status == 200, body
    assert claims_of(body["access_token"])["cnf"] == {"jkt": holder.jkt}
