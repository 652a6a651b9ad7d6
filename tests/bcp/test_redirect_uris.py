"""RFC 9700 §4.1.3: redirect URIs compared as exact strings. A mismatch is never
redirected to (RFC 6749 §4.1.2.1): the user sees an error page and nothing is issued."""

from urllib.parse import urlencode

import pytest
from oauth2_provider.models import get_grant_model

from oauth_ext.bcp.redirect_uris import registered_exactly
from oauth_ext.par.models import PushedRequest

from .flows import Application


def get_authorize(client, registered, redirect_uri):
    params = {"response_type": "code", "client_id": registered.client_id, "redirect_uri": redirect_uri, "scope": "read",
              "state": "s1", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}
    return client.get("/o/authorize/?" + urlencode(params))


@pytest.mark.parametrize("requested", ["https://Client.example.org/cb", "https://CLIENT.EXAMPLE.ORG/cb"])
def test_host_in_other_letter_case_is_refused_without_redirect(make_client, client, django_user_model, requested):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE, redirect_uris="https://client.example.org/cb")
    client.force_login(django_user_model.objects.create_user("alice", password="pw"))
    response = get_authorize(client, registered, requested)
    assert response.status_code == 400 and "Location" not in response
    assert response.context["error"].error == "invalid_request"
    assert not get_grant_model().objects.filter(application=registered.app).exists()


def test_loopback_port_may_differ(make_client, client, django_user_model):
    """RFC 8252 §7.3: a native app picks its loopback port at request time."""
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE, redirect_uris="http://127.0.0.1/callback")
    client.force_login(django_user_model.objects.create_user("alice", password="pw"))
    response = get_authorize(client, registered, "http://127.0.0.1:53117/callback")
    assert response.status_code == 200, response.content  # the prompt: the URI is accepted


@pytest.mark.parametrize(("uri", "registered", "allowed"), [
    ("https://client.example.org/cb", ["https://client.example.org/cb"], True),
    ("https://client.EXAMPLE.org/cb", ["https://client.example.org/cb"], False),
    ("HTTPS://client.example.org/cb", ["https://client.example.org/cb"], False),
    ("https://client.example.org/%63b", ["https://client.example.org/cb"], False),
    ("https://client.example.org:443/cb", ["https://client.example.org/cb"], False),
    ("http://127.0.0.1:8080/cb", ["http://127.0.0.1/cb"], True),
    ("http://[::1]:8080/cb?x=1", ["http://[::1]:9/cb?x=1"], True),
    ("http://127.0.0.1:8080/CB", ["http://127.0.0.1/cb"], False),
    ("http://localhost:8080/cb", ["http://localhost/cb"], False),
    ("com.example.app:/cb", ["com.example.app:/cb"], True),
    ("com.Example.app:/cb", ["com.example.app:/cb"], False),
])
def test_exact_comparison(uri, registered, allowed):
    assert registered_exactly(uri, registered) is allowed



def test_the_exact_uri_is_accepted(make_client, client, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE, redirect_uris="https://client.example.org/cb")
    client.force_login(django_user_model.objects.create_user("alice", password="pw"))
    assert get_authorize(client, registered, "https://client.example.org/cb").status_code == 200  # the prompt


def test_par_refuses_the_same_uri(make_client, client):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE, redirect_uris="https://client.example.org/cb")
    response = client.post("/o/par/", {
        "response_type": "code", "client_id": registered.client_id, "redirect_uri": "https://Client.example.org/cb",
        "scope": "read", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
        **registered.form()})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert not PushedRequest.objects.exists()
