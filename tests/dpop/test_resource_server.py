"""DPoP at the example site's API: RFC 9449 §7 (resource access), §7.2 (bearer
downgrade), §9 (RS nonces), and the three ways to validate a token."""

import hashlib
import json

import jwt
import pytest
import requests
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_sdk import AssertionSigner, PrivateKeyJWTAuth
from oauth_ext.client_sdk.dpop import DPoPAuth, DPoPKey
from oauth_ext.core import jose

from ..conftest import ISSUER

TOKEN_HTU = "https://as.example.com/o/token/"
API = "http://testserver/api/me/"


def call(client, token, key=None, *, url=API, scheme="DPoP", proof=None, **proof_claims):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"}
    if proof is not None:
        headers["HTTP_DPOP"] = proof
    elif key is not None:
        headers["HTTP_DPOP"] = key.proof("GET", url, access_token=token, **proof_claims)
    return client.get(url.replace("http://testserver", ""), **headers)


@pytest.mark.parametrize("url", [API, "http://testserver/api/ping/"])
def test_dpop_bound_token_reaches_the_api(issue, client, url):
    key = DPoPKey.generate()
    token = issue(key)
    response = call(client, token, key, url=url)
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
    assert response.json()["scope"] == ["read"]


def _assert_challenge(response, status, error, scheme="DPoP"):
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith(scheme) and f'error="{error}"' in challenge
    if scheme == "DPoP":
        assert 'algs="' in challenge and "ES256" in challenge


def test_bound_token_downgraded_to_bearer_is_refused(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    _assert_challenge(call(client, token, scheme="Bearer"), 401, "invalid_token", scheme="Bearer")
    _assert_challenge(call(client, token, key, scheme="Bearer"), 401, "invalid_token", scheme="Bearer")


def test_missing_proof(issue, client):
    token = issue(DPoPKey.generate())
    _assert_challenge(call(client, token), 401, "invalid_dpop_proof")


def test_proof_for_another_token(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    proof = key.proof("GET", API, access_token="some-other-token")
    _assert_challenge(call(client, token, proof=proof), 401, "invalid_dpop_proof")
    proof = key.proof("GET", API)  # no ath at all
    _assert_challenge(call(client, token, proof=proof), 401, "invalid_dpop_proof")


def test_token_used_with_another_key(issue, client):
    token = issue(DPoPKey.generate())
    response = call(client, token, DPoPKey.generate())
    _assert_challenge(response, 401, "invalid_token")
    assert "key binding" in response.json()["error_description"]


def test_wrong_method_or_url(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    _assert_challenge(call(client, token, proof=key.proof("POST", API, access_token=token)), 401, "invalid_dpop_proof")
    other = "http://testserver/api/ping/"
    _assert_challenge(call(client, token, proof=key.proof("GET", other, access_token=token)), 401, "invalid_dpop_proof")


def test_replayed_resource_proof(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    proof = key.proof("GET", API, access_token=token)
    assert call(client, token, proof=proof).status_code == 200
    _assert_challenge(call(client, token, proof=proof), 401, "invalid_dpop_proof")


def test_rs_nonce(issue, client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"RS_REQUIRE_NONCE": True}}
    key = DPoPKey.generate()
    token = issue(key)
    response = call(client, token, key)
    _assert_challenge(response, 401, "use_dpop_nonce")
    nonce = response["DPoP-Nonce"]
    assert call(client, token, key, nonce=nonce).status_code == 200


def test_bearer_tokens_where_allowed(issue, client, settings):
    token = issue()
    response = call(client, token, scheme="Bearer")
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"
    _assert_challenge(call(client, token, DPoPKey.generate()), 401, "invalid_token")  # unbound token as DPoP
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"ALLOW_BEARER": False}}
    _assert_challenge(call(client, token, scheme="Bearer"), 401, "invalid_token", scheme="Bearer")


def test_no_credentials_offers_both_schemes(client, db):
    response = client.get("/api/me/")
    assert response.status_code == 401
    # RFC 9728 §5.1: each scheme also says where the resource's metadata is.
    pointer = 'resource_metadata="http://testserver/.well-known/oauth-protected-resource/api/me/"'
    assert response["WWW-Authenticate"].startswith(f"Bearer {pointer}, DPoP algs=")
    assert response["WWW-Authenticate"].endswith(f", {pointer}")
    response = client.get("/api/ping/")
    assert response.status_code == 401 and "DPoP algs=" in response["WWW-Authenticate"]


def test_malformed_authorization(client, db):
    response = client.get("/api/me/", HTTP_AUTHORIZATION="DPoP a b")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_insufficient_scope(issue, client):
    key = DPoPKey.generate()
    token = issue(key, scope="write")
    assert call(client, token, key).status_code == 403
    response = call(client, token, key, url="http://testserver/api/ping/")
    assert (response.status_code, response.json()["error"]) == (403, "insufficient_scope")


def test_revoked_token_stops_at_once(issue, client):
    key = DPoPKey.generate()
    token = issue(key)
    assert call(client, token, key).status_code == 200
    get_access_token_model().objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).revoke()
    _assert_challenge(call(client, token, key), 401, "invalid_token")


def test_jwt_mode_validates_locally(issue, client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "jwt"}}
    key = DPoPKey.generate()
    token = issue(key)
    assert call(client, token, key).status_code == 200
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["cnf"] = {"jkt": DPoPKey.generate().jkt}
    forged = f"{header}.{jose.b64url_encode(json.dumps(claims).encode())}.{signature}"
    _assert_challenge(call(client, forged, key), 401, "invalid_token")
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "jwt", "AUDIENCE": "https://api.other.example"}}
    _assert_challenge(call(client, token, key), 401, "invalid_token")


@pytest.mark.django_db(transaction=True)
def test_introspection_mode_and_the_requests_helper(live_server, make_client, settings):
    """The RS asks the AS (over HTTP) about the token, then checks the proof against
    the returned cnf; the client helper answers the RS nonce challenge by itself."""
    rs = make_client(None, hash_client_secret=False)
    settings.OAUTH_EXT = {
        **settings.OAUTH_EXT,
        "DPOP": {"RS_REQUIRE_NONCE": True},
        "RESOURCE_SERVER": {
            "TOKEN_VALIDATION": "introspection",
            "INTROSPECTION_URL": f"{live_server.url}/o/introspect/",
            "INTROSPECTION_CLIENT_ID": rs.client_id,
            "INTROSPECTION_CLIENT_SECRET": rs.secret,
        },
    }
    registered, key = make_client(), DPoPKey.generate()
    signer = AssertionSigner(registered.private_jwk, client_id=registered.client_id, audience=ISSUER)
    # The token endpoint's htu is the issuer's URL, not the live server's: sign it as such.
    proof_headers = {"DPoP": key.proof("POST", TOKEN_HTU)}
    tokens = requests.post(f"{live_server.url}/o/token/", data={"grant_type": "client_credentials", "scope": "read"},
                           auth=PrivateKeyJWTAuth(signer), headers=proof_headers, timeout=30).json()
    assert tokens["token_type"] == "DPoP", tokens
    response = requests.get(f"{live_server.url}/api/me/", auth=DPoPAuth(key, access_token=tokens["access_token"]), timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "DPoP"
    stolen = requests.get(f"{live_server.url}/api/me/", headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=30)
    assert stolen.status_code == 401
