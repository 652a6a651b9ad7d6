"""gty, cxt and cmr (draft-lombardo-oauth-client-extension-claims-02) in tokens and introspection."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey

from ..conftest import basic_auth

Application = get_application_model()
TOKEN_HTU = "https://as.example.com/o/token/"


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize(("method", "credentials"), [
    ("private_key_jwt", lambda c: ({**c.form()}, {})),
    ("client_secret_jwt", lambda c: ({**c.form()}, {})),
    (None, lambda c: ({}, basic_auth(c.client_id, c.secret))),
])
def test_client_credentials(make_client, token_request, method, credentials):
    registered = make_client(method, hash_client_secret=False)
    body, headers = credentials(registered)
    status, tokens, _ = token_request({"grant_type": "client_credentials", **body}, **headers)
    assert status == 200, tokens
    claims = claims_of(tokens["access_token"])
    assert claims["gty"] == "client_credentials" and claims["cxt"] == []
    assert claims["cmr"] == (method or "client_secret_basic")


def test_code_flow_with_pkce_and_dpop_then_refresh(make_client, token_request, authorize, django_user_model, client):
    registered = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("vic", password="pw")
    key = DPoPKey.generate()
    status, tokens, _ = token_request(authorize(registered, user), HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, tokens
    claims = claims_of(tokens["access_token"])
    assert (claims["gty"], claims["cxt"], claims["cmr"]) == ("authorization_code", ["dpop", "pkce"], "none")
    status, refreshed, _ = token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                          "client_id": registered.client_id}, HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, refreshed
    assert claims_of(refreshed["access_token"])["gty"] == "refresh_token"
    rs = make_client(None, hash_client_secret=False)
    introspection = client.post("/o/introspect/", {"token": refreshed["access_token"]}, **basic_auth(rs.client_id, rs.secret)).json()
    assert introspection["gty"] == "refresh_token" and introspection["cxt"] == ["dpop"] and introspection["cmr"] == "none"


def test_code_through_par(make_client, token_request, client, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    pushed = client.post("/o/par/", {"response_type": "code", "client_id": registered.client_id,
                                     "redirect_uri": "https://client.example.org/cb", "scope": "read", "state": "s",
                                     "code_challenge": challenge, "code_challenge_method": "S256", **registered.form()})
    assert pushed.status_code == 201, pushed.content
    client.force_login(django_user_model.objects.create_user("wes", password="pw"))
    url = "/o/authorize/?" + urlencode({"client_id": registered.client_id, "request_uri": pushed.json()["request_uri"]})
    client.get(url)
    code = parse_qs(urlsplit(client.post(url, {"allow": "Authorize"})["Location"]).query)["code"][0]
    client.logout()
    status, tokens, _ = token_request({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                       "redirect_uri": "https://client.example.org/cb", **registered.form()})
    assert status == 200, tokens
    claims = claims_of(tokens["access_token"])
    assert (claims["cxt"], claims["cmr"]) == (["par", "pkce"], "private_key_jwt")


def test_metadata_flag_and_native_endpoint(client, db, settings):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["support_client_extentison_claims"] is True  # the draft's own spelling
    assert "native_authorization_endpoint" not in document
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "NATIVE_AUTHORIZATION_ENDPOINT": "https://as.example.com/native"}
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["native_authorization_endpoint"] == "https://as.example.com/native"
