"""RFC 9728: the example's APIs publish protected resource metadata, and their 401s
point to it, so a client that only knows the API's URL finds the AS."""

import pytest

from ..conftest import ISSUER

WELL_KNOWN = "http://testserver/.well-known/oauth-protected-resource"


@pytest.mark.parametrize("path", ["/api/ping/", "/api/me/"])
def test_metadata_names_the_resource_and_its_authorization_server(client, path):
    response = client.get(f"/.well-known/oauth-protected-resource{path}")
    assert response.status_code == 200
    body = response.json()
    # §3.3: resource is the identifier the well-known URL was formed from.
    assert body["resource"] == f"http://testserver{path}"
    assert body["authorization_servers"] == [ISSUER]
    assert (body["scopes_supported"], body["bearer_methods_supported"]) == (["read"], ["header"])
    assert "ES256" in body["dpop_signing_alg_values_supported"]


def test_unknown_resource_is_404(client):
    response = client.get("/.well-known/oauth-protected-resource/api/payments/")
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_a_401_points_to_the_metadata(client, db):
    response = client.get("/api/ping/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith(f'Bearer resource_metadata="{WELL_KNOWN}/api/ping/"')
    response = client.get("/api/ping/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    assert response["WWW-Authenticate"] == (
        'Bearer error="invalid_token", error_description="The access token is invalid or expired.", '
        f'resource_metadata="{WELL_KNOWN}/api/ping/"')


def test_a_resource_not_listed_keeps_its_challenge(client, db, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "PROTECTED_RESOURCES": {"PATHS": {}}}
    response = client.get("/api/ping/")
    assert response.status_code == 401 and "resource_metadata" not in response["WWW-Authenticate"]
    assert client.get("/.well-known/oauth-protected-resource/api/ping/").status_code == 404
