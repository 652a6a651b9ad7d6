"""RFC 9068 JWT access tokens: claims, signature, storage through DOT, rotation."""

import time

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.core import jose

from ..conftest import ISSUER, basic_auth


def _token(make_client, token_request, **params):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(), **params})
    assert status == 200, body
    return client, body


def _verify_with_published_keys(client, access_token, audience):
    jwks = client.get("/o/jwks/").json()
    header = jwt.get_unverified_header(access_token)
    key = jose.load_public_jwk(jose.select_key(jwks["keys"], kid=header["kid"], alg=header["alg"]))
    return jwt.decode(access_token, key=key, algorithms=[header["alg"]], audience=audience, issuer=ISSUER)


def test_claims_and_signature(make_client, token_request, client):
    registered, body = _token(make_client, token_request, scope="read write")
    before = int(time.time())
    claims = _verify_with_published_keys(client, body["access_token"], ISSUER)
    assert jwt.get_unverified_header(body["access_token"])["typ"] == "at+jwt"
    assert claims["iss"] == ISSUER
    assert claims["sub"] == registered.client_id  # RFC 9068 §2.2: no resource owner
    assert claims["client_id"] == registered.client_id
    assert set(claims["scope"].split()) == {"read", "write"}
    assert claims["aud"] == ISSUER
    assert abs(claims["iat"] - before) <= 5
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert len(claims["jti"]) >= 16


def test_jwks_endpoint_publishes_public_keys_only(client):
    keys = client.get("/o/jwks/").json()["keys"]
    assert keys and all("d" not in key for key in keys)
    assert all(key["use"] == "sig" and key["kid"] for key in keys)


def test_resource_indicator_becomes_the_audience(make_client, token_request, client):
    _, body = _token(make_client, token_request, resource="https://api.example.com/mail")
    claims = _verify_with_published_keys(client, body["access_token"], "https://api.example.com/mail")
    assert claims["aud"] == "https://api.example.com/mail"


def test_stored_through_dot_so_introspection_and_revocation_work(make_client, token_request, client):
    registered, body = _token(make_client, token_request, scope="read")
    stored = get_access_token_model().objects.get(application=registered.app)
    assert stored.scope == "read"
    rs = make_client(None, hash_client_secret=False)
    introspection = client.post("/o/introspect/", {"token": body["access_token"]}, **basic_auth(rs.client_id, rs.secret))
    assert introspection.status_code == 200
    assert introspection.json()["active"] is True
    revoke = client.post("/o/revoke_token/", {"token": body["access_token"], **registered.form()})
    assert revoke.status_code == 200
    introspection = client.post("/o/introspect/", {"token": body["access_token"]}, **basic_auth(rs.client_id, rs.secret))
    assert introspection.json() == {"active": False}


def test_claims_providers_extend_but_cannot_override(make_client, token_request, client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ACCESS_TOKENS": {"CLAIMS_PROVIDERS": ["tests.tokens.providers.tenant_claim"]}}
    registered, body = _token(make_client, token_request)
    claims = _verify_with_published_keys(client, body["access_token"], ISSUER)
    assert claims["tenant"] == "acme"
    assert claims["client_id_seen"] == registered.client_id
    assert claims["sub"] == registered.client_id


def test_key_rotation_keeps_old_tokens_verifiable(make_client, token_request, client, settings):
    old_key = settings.OAUTH_EXT["KEYS"]["SIGNING"][0]
    _, before = _token(make_client, token_request)
    new_key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "KEYS": {"SIGNING": [new_key, old_key]}}
    _, after = _token(make_client, token_request)
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_key["kid"]
    assert jwt.get_unverified_header(before["access_token"])["kid"] == old_key["kid"]
    for token in (before["access_token"], after["access_token"]):
        _verify_with_published_keys(client, token, ISSUER)


@pytest.mark.parametrize("alg", ["RS256", "PS256", "EdDSA", "ES384"])
def test_server_key_algorithms(make_client, token_request, client, settings, alg):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "KEYS": {"SIGNING": [jose.private_key_to_jwk(jose.generate_private_key(alg), alg=alg)]}}
    _, body = _token(make_client, token_request)
    assert jwt.get_unverified_header(body["access_token"])["alg"] == alg
    _verify_with_published_keys(client, body["access_token"], ISSUER)
