"""Credentials no client can have are refused as unknown clients, never a 500
(found by the schemathesis run in tests/fuzz)."""

import base64

import pytest

NUL_BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"a\x00b:secret").decode()}


@pytest.mark.parametrize("url", ["/o/token/", "/o/revoke_token/", "/o/introspect/"])
@pytest.mark.parametrize(("form", "headers"), [
    ({"client_id": "a\x00b", "client_secret": "secret"}, {}),
    ({"client_id": "a\x00b"}, {}),
    ({}, NUL_BASIC),
], ids=["client_secret_post", "public", "client_secret_basic"])
def test_a_nul_in_the_client_id_is_an_unknown_client(db, client, url, form, headers):
    response = client.post(url, {"grant_type": "client_credentials", "token": "t", **form}, **headers)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_introspection_without_credentials_answers_in_oauth_terms(db, client):
    response = client.post("/o/introspect/", {"token": "t"})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    response = client.post("/o/introspect/", {"token": "t"}, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
