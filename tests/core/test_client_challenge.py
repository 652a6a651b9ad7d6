"""RFC 6749 §5.2: a 401 ``invalid_client`` to a client that used HTTP Basic carries
a ``WWW-Authenticate: Basic`` challenge at every endpoint that authenticates clients."""

import base64
import hashlib
import secrets

import pytest
from oauth2_provider.models import AccessToken, get_application_model

from oauth_ext.par.models import PushedRequest

from ..conftest import basic_auth

Application = get_application_model()


def pkce_challenge() -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(secrets.token_urlsafe(48).encode()).digest()).rstrip(b"=").decode()


@pytest.mark.parametrize("url", ["/o/token/", "/o/revoke_token/", "/o/introspect/", "/o/par/"])
def test_wrong_basic_credentials_get_a_basic_challenge(make_client, client, url):
    registered = make_client(None, grant=Application.GRANT_AUTHORIZATION_CODE, hash_client_secret=False)
    form = {"grant_type": "client_credentials", "token": "x", "response_type": "code", "scope": "read",
            "redirect_uri": "https://client.example.org/cb", "code_challenge": pkce_challenge(),
            "code_challenge_method": "S256"}
    response = client.post(url, form, **basic_auth(registered.client_id, "wrong-" + registered.secret))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    scheme, _, params = response["WWW-Authenticate"].partition(" ")
    assert scheme == "Basic" and 'realm="' in params
    assert not AccessToken.objects.filter(application=registered.app).exists()
    assert not PushedRequest.objects.exists()
