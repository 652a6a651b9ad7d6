"""The authorization server metadata a client of the open-public-client profile
(draft-ietf-mailmaint-oauth-public-06) relies on, and PKCE with S256 only: a "plain"
or missing method gets no code, even when the user allows."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import Grant

PROFILE_SCOPES = {f"urn:ietf:params:oauth:scope:{s}" for s in ("mail", "contacts", "calendars")}


def test_metadata_has_what_the_profile_needs(client):
    body = client.get("/o/.well-known/oauth-authorization-server").json()
    assert set(body["scopes_supported"]) >= PROFILE_SCOPES
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert "none" in body["token_endpoint_auth_methods_supported"]
    assert {"authorization_code", "refresh_token"} <= set(body["grant_types_supported"])
    assert "code" in body["response_types_supported"]
    for endpoint in ("authorization_endpoint", "token_endpoint", "registration_endpoint", "revocation_endpoint"):
        assert body[endpoint].startswith("https://as.example.com/o/"), endpoint


@pytest.mark.parametrize(("method", "error"), [("plain", "invalid_request"), (None, "invalid_request")])
def test_a_plain_or_missing_pkce_method_is_refused(make_client, client, django_user_model, method, error):
    app = make_client(None, grant="authorization-code", client_type="public", redirect_uris="http://127.0.0.1/cb").app
    user = django_user_model.objects.create_user("carol", password="pw")
    verifier = secrets.token_urlsafe(48)
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": "http://127.0.0.1/cb",
              "scope": "read", "state": "s", "code_challenge": verifier if method == "plain" else
              base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()}
    if method:
        params["code_challenge_method"] = method
    client.force_login(user)
    url = "/o/authorize/?" + urlencode(params)
    response = client.post(url, {**params, "redirect_uri": "http://127.0.0.1/cb", "allow": "Allow"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == [error] and "code" not in query
    assert not Grant.objects.exists()
