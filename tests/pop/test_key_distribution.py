"""PoP key distribution (draft-ietf-oauth-pop-key-distribution-07), asymmetric and
symmetric, from the token endpoint to signed requests at the example API."""

import json
import time

import jwt
import pytest
import requests

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.client_sdk.pop import PoPAuth, req_cnf, sign_request
from oauth_ext.core import jose

from ..conftest import basic_auth

TOKEN_HTU = "https://as.example.com/o/token/"
API = "http://testserver/api/me/"
RESOURCE = "https://api.example.com/"


@pytest.fixture
def rs_keys(settings):
    """The API's encryption key pair: the AS encrypts symmetric keys to it."""
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ECDH-ES+A256KW")
    private["use"] = "enc"
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "POP": {
        "RESOURCE_KEYS": {RESOURCE: jose.public_jwk(private)}, "RS_DECRYPTION_KEYS": [private]}}
    return private


def pop_token(make_client, token_request, *, key=None, prover=None, **params):
    registered = make_client()
    data = {"grant_type": "client_credentials", "scope": "read", "token_type": "pop", **registered.form(), **params}
    if key is not None:
        data["req_cnf"] = req_cnf(key.public_jwk)
    headers = {"HTTP_DPOP": (prover or key).proof("POST", TOKEN_HTU)} if (prover or key) else {}
    return token_request(data, **headers)


def refused(response, scheme: str, error: str = "invalid_token") -> bool:
    """RFC 6750 §3.1 (and its DPoP and PoP twins): 401 with the error in the scheme's challenge."""
    return response.status_code == 401 and response["WWW-Authenticate"].startswith(f'{scheme} error="{error}"')


def signed_get(client, jwk, token, url=API, **kwargs):
    return client.get(url.replace("http://testserver", ""), HTTP_AUTHORIZATION="PoP " + sign_request(jwk, token, "GET", url, **kwargs))


def test_asymmetric_pop_token_end_to_end(make_client, token_request, client):
    key = DPoPKey.generate()
    status, body, _ = pop_token(make_client, token_request, key=key)
    assert status == 200, body
    assert body["token_type"] == "pop" and "cnf" not in body  # the client already holds its key
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["cnf"] == {"jwk": key.public_jwk}
    response = signed_get(client, key.private_jwk, body["access_token"])
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "pop"


def test_asymmetric_token_refused_with_another_key_or_scheme(make_client, token_request, client):
    key = DPoPKey.generate()
    token = pop_token(make_client, token_request, key=key)[1]["access_token"]
    assert refused(signed_get(client, DPoPKey.generate().private_jwk, token), "PoP")
    assert refused(client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}"), "Bearer")
    dpop = client.get("/api/me/", HTTP_AUTHORIZATION=f"DPoP {token}", HTTP_DPOP=key.proof("GET", API, access_token=token))
    assert refused(dpop, "DPoP")


def test_possession_of_req_cnf_must_be_proven(make_client, token_request):
    key = DPoPKey.generate()
    registered = make_client()
    data = {"grant_type": "client_credentials", "token_type": "pop", "req_cnf": req_cnf(key.public_jwk), **registered.form()}
    status, body, _ = token_request(data)
    assert (status, body["error"]) == (400, "invalid_request")
    status, body, _ = pop_token(make_client, token_request, key=key, prover=DPoPKey.generate())
    assert (status, body["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("value", [
    jose.b64url_encode(json.dumps({"jwk": {"kty": "oct", "k": "c2VjcmV0"}}).encode()),
    jose.b64url_encode(json.dumps({"jwk": DPoPKey.generate().private_jwk}).encode()),
    jose.b64url_encode(b'{"kid": "abc"}'),
    "%%%",
])
def test_bad_req_cnf(make_client, token_request, value):
    registered, prover = make_client(), DPoPKey.generate()
    data = {"grant_type": "client_credentials", "token_type": "pop", "req_cnf": value, **registered.form()}
    status, body, _ = token_request(data, HTTP_DPOP=prover.proof("POST", TOKEN_HTU))
    assert (status, body["error"]) == (400, "invalid_request")


def test_unknown_token_type(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "token_type": "mac", **registered.form()})
    assert (status, body["error"]) == (400, "invalid_token_type")


def test_symmetric_pop_token_end_to_end(make_client, token_request, client, rs_keys):
    status, body, _ = pop_token(make_client, token_request, resource=RESOURCE)
    assert status == 200, body
    assert body["token_type"] == "pop"
    key = body["cnf"]["jwk"]
    assert key["kty"] == "oct" and len(jose.b64url_decode(key["k"])) == 32
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert set(claims["cnf"]) == {"jwe"} and key["k"] not in body["access_token"]  # only the RS can read it
    assert claims["aud"] == RESOURCE
    response = signed_get(client, key, body["access_token"])
    assert response.status_code == 200, response.content
    forged = {**key, "k": jose.b64url_encode(b"x" * 32)}
    assert refused(signed_get(client, forged, body["access_token"]), "PoP")


def test_symmetric_key_unreadable_without_the_rs_key(make_client, token_request, client, rs_keys, settings):
    body = pop_token(make_client, token_request, resource=RESOURCE)[1]
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "POP": {**settings.OAUTH_EXT["POP"], "RS_DECRYPTION_KEYS": [
        jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ECDH-ES+A256KW")]}}
    assert refused(signed_get(client, body["cnf"]["jwk"], body["access_token"]), "PoP")


@pytest.mark.parametrize("params", [{}, {"resource": "https://unknown.example.com/"}])
def test_symmetric_needs_one_known_resource(make_client, token_request, rs_keys, params):
    status, body, _ = pop_token(make_client, token_request, **params)
    assert (status, body["error"]) == (400, "invalid_request")


def test_signed_request_checks(make_client, token_request, client):
    key = DPoPKey.generate()
    token = pop_token(make_client, token_request, key=key)[1]["access_token"]
    assert refused(signed_get(client, key.private_jwk, token, now=int(time.time()) - 3600), "PoP")  # stale
    wrong_path = sign_request(key.private_jwk, token, "GET", "http://testserver/api/ping/")
    assert refused(client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {wrong_path}"), "PoP")
    post_signed = sign_request(key.private_jwk, token, "POST", API)
    assert refused(client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {post_signed}"), "PoP")
    once = sign_request(key.private_jwk, token, "GET", API)
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {once}").status_code == 200
    replay = client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {once}")
    assert refused(replay, "PoP")
    assert refused(client.get("/api/me/", HTTP_AUTHORIZATION="PoP not-a-jws"), "PoP")


def bind_to_resource(settings, resource, *clients):
    """Make ``clients`` the introspection clients of ``resource`` (its RESOURCES.KNOWN entry)."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": {
        resource: {"name": "API", "introspection_clients": [c.client_id for c in clients]}}}}


def introspect(client, token, caller):
    response = client.post("/o/introspect/", {"token": token}, **basic_auth(caller.client_id, caller.secret))
    return response.status_code, response.json()


def test_introspection_returns_the_key_to_the_resource_server(make_client, token_request, client, rs_keys, settings):
    body = pop_token(make_client, token_request, resource=RESOURCE)[1]
    rs = make_client(None, hash_client_secret=False)
    bind_to_resource(settings, RESOURCE, rs)
    status, introspection = introspect(client, body["access_token"], rs)
    assert status == 200 and introspection["active"] is True
    assert introspection["token_type"] == "pop"
    assert introspection["cnf"] == {"jwk": body["cnf"]["jwk"]}


def test_introspection_gives_other_clients_only_the_thumbprint(make_client, token_request, client, rs_keys, settings):
    """A symmetric PoP key is a credential: a client that is not the token's resource
    server (another RS, or any authenticated client) learns at most its jkt."""
    body = pop_token(make_client, token_request, resource=RESOURCE)[1]
    key = body["cnf"]["jwk"]
    rs, other_rs, anyone = (make_client(None, hash_client_secret=False) for _ in range(3))
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": {
        RESOURCE: {"introspection_clients": [rs.client_id]},
        "https://other.example.com/": {"introspection_clients": [other_rs.client_id]}}}}
    for caller in (other_rs, anyone):
        status, introspection = introspect(client, body["access_token"], caller)
        assert status == 200 and introspection["active"] is True and introspection["token_type"] == "pop"
        assert introspection["cnf"] == {"jkt": jose.jwk_thumbprint(key)}
        assert key["k"] not in json.dumps(introspection)
    assert introspect(client, body["access_token"], rs)[1]["cnf"] == {"jwk": key}


def test_introspection_keeps_a_public_pop_key(make_client, token_request, client):
    key = DPoPKey.generate()
    token = pop_token(make_client, token_request, key=key)[1]["access_token"]
    status, introspection = introspect(client, token, make_client(None, hash_client_secret=False))
    assert status == 200 and introspection["cnf"] == {"jwk": key.public_jwk}


@pytest.mark.django_db(transaction=True)
def test_rs_without_the_jwe_key_uses_introspection(live_server, make_client, rs_keys, settings):
    """The RS cannot read the token's cnf.jwe, so it introspects, gets the key, and
    checks the request signature with it."""
    registered = make_client()
    body = requests.post(f"{live_server.url}/o/token/", timeout=30, data={
        "grant_type": "client_credentials", "scope": "read", "token_type": "pop", "resource": RESOURCE, **registered.form()}).json()
    assert body["token_type"] == "pop", body
    rs = make_client(None, hash_client_secret=False)
    bind_to_resource(settings, RESOURCE, rs)
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "POP": {**settings.OAUTH_EXT["POP"], "RS_DECRYPTION_KEYS": []},
                          "RESOURCE_SERVER": {"TOKEN_VALIDATION": "introspection",
                                              "INTROSPECTION_URL": f"{live_server.url}/o/introspect/",
                                              "INTROSPECTION_CLIENT_ID": rs.client_id, "INTROSPECTION_CLIENT_SECRET": rs.secret}}
    response = requests.get(f"{live_server.url}/api/me/", auth=PoPAuth(body["cnf"]["jwk"], body["access_token"]), timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "pop"


def test_a_respelled_signed_request_is_still_a_replay(make_client, token_request, client):
    """base64url has spare bits; a second spelling of the same signature must not pass."""
    key = DPoPKey.generate()
    token = pop_token(make_client, token_request, key=key)[1]["access_token"]
    signed = sign_request(key.private_jwk, token, "GET", API)
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {signed}").status_code == 200
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    respelled = signed[:-1] + alphabet[alphabet.index(signed[-1]) ^ 1]
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"PoP {respelled}").status_code == 401
