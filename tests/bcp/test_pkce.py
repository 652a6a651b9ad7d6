"""RFC 9700 §2.1.1: PKCE with S256 only, at the authorization endpoint as at PAR, and
only S256 announced."""

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import get_grant_model

from oauth_ext.consent.models import ConsentGrant

from ..conftest import ISSUER
from .flows import Application

REDIRECT = "https://client.example.org/cb"


@pytest.mark.parametrize("method", ["plain", None])
def test_plain_pkce_is_refused_before_the_prompt(make_client, client, django_user_model, method):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    client.force_login(django_user_model.objects.create_user("alice", password="pw"))
    params = {"response_type": "code", "client_id": registered.client_id, "redirect_uri": REDIRECT, "scope": "read",
              "state": "s1", "code_challenge": secrets.token_urlsafe(48), "code_challenge_method": method}
    response = client.get("/o/authorize/?" + urlencode({k: v for k, v in params.items() if v is not None}))
    assert response.status_code == 302  # the redirect URI is verified: the error goes back to the client
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert query["error"] == ["invalid_request"] and query["state"] == ["s1"] and query["iss"] == [ISSUER]
    assert not get_grant_model().objects.filter(application=registered.app).exists()
    assert not ConsentGrant.objects.exists()


def test_metadata_announces_only_s256(client, db):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["code_challenge_methods_supported"] == ["S256"]
