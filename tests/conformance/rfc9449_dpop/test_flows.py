"""Whole DPoP flows, from the token endpoint to the example API (RFC 9449)."""

from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey

TOKEN_HTU = "https://as.example.com/o/token/"
API = "http://testserver/api/me/"
Application = get_application_model()


def api(client, key, token):
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"DPoP {token}", HTTP_DPOP=key.proof("GET", API, access_token=token))


def test_public_client_code_flow_refresh_and_api(make_client, token_request, authorize, client, django_user_model):
    app = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("frank", password="pw")
    key, thief = DPoPKey.generate(), DPoPKey.generate()

    status, tokens, _ = token_request(authorize(app, user, dpop_jkt=key.jkt), HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200 and tokens["token_type"] == "DPoP", tokens
    response = api(client, key, tokens["access_token"])
    assert response.status_code == 200 and response.json()["sub"] == str(user.pk)

    assert api(client, thief, tokens["access_token"]).status_code == 401
    bearer = client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert bearer.status_code == 401

    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": app.client_id}
    status, body, _ = token_request(refresh, HTTP_DPOP=thief.proof("POST", TOKEN_HTU))
    assert (status, body["error"]) == (400, "invalid_grant")
    status, refreshed, _ = token_request(refresh, HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, refreshed
    assert api(client, key, refreshed["access_token"]).status_code == 200


def test_client_credentials_to_api(make_client, token_request, client):
    app, key = make_client(), DPoPKey.generate()
    status, tokens, _ = token_request({"grant_type": "client_credentials", "scope": "read", **app.form()},
                                      HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, tokens
    response = api(client, key, tokens["access_token"])
    assert response.status_code == 200
    assert response.json() == {"client_id": app.client_id, "sub": app.client_id, "scope": ["read"], "token_type": "DPoP"}
