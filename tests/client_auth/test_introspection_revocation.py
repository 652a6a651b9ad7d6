"""private_key_jwt at the introspection (RFC 7662) and revocation (RFC 7009) endpoints."""

import pytest


@pytest.fixture
def issued(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": "read", **client.form()})
    assert status == 200, body
    return client, body["access_token"]


def test_introspection_with_private_key_jwt(issued, make_client, client):
    _, token = issued
    resource_server = make_client()
    response = client.post("/o/introspect/", {"token": token, **resource_server.form()})
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["scope"] == "read"


@pytest.mark.parametrize("bad", [
    {"aud": "https://evil.example.com"},
    {"jti": None},
    {"iss": "someone-else"},
])
def test_introspection_refuses_bad_assertions_with_401(issued, make_client, client, bad):
    _, token = issued
    resource_server = make_client()
    response = client.post("/o/introspect/", {"token": token, **resource_server.form(resource_server.assertion(**bad))})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["Cache-Control"] == "no-store"
    assert "active" not in response.json()


def test_introspection_refuses_malformed_assertion_with_400(issued, make_client, client):
    _, token = issued
    resource_server = make_client()
    response = client.post("/o/introspect/", {"token": token, **resource_server.form("garbage")})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_introspection_replay_is_refused(issued, make_client, client):
    _, token = issued
    resource_server = make_client()
    form = {"token": token, **resource_server.form()}
    assert client.post("/o/introspect/", form).status_code == 200
    assert client.post("/o/introspect/", form).status_code == 401


def test_revocation_with_private_key_jwt(issued, client, make_client):
    registered, token = issued
    response = client.post("/o/revoke_token/", {"token": token, **registered.form(registered.assertion(aud="https://evil.example.com"))})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    resource_server = make_client()
    assert client.post("/o/introspect/", {"token": token, **resource_server.form()}).json()["active"] is True
    assert client.post("/o/revoke_token/", {"token": token, **registered.form()}).status_code == 200
    assert client.post("/o/introspect/", {"token": token, **resource_server.form()}).json() == {"active": False}
