"""RFC 9207: every authorization response carries ``iss``, success or error, and the
metadata says so."""

from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from oauth_ext.bcp.issuer import with_iss

from ..conftest import ISSUER
from .flows import Application

REDIRECT = "https://client.example.org/cb"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


def response_params(response):
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


def query(registered, **params):
    return {"response_type": "code", "client_id": registered.client_id, "redirect_uri": REDIRECT, "scope": "read",
            "state": "s1", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
            **params}


def authorization_url(registered, **params):
    return "/o/authorize/?" + urlencode(query(registered, **params))


def answer(client, registered, allow, **params):
    """Post the consent form as the browser does: the request's fields, allow or not."""
    form = query(registered, **params)
    return client.post(authorization_url(registered, **params), {**form, **({"allow": "Authorize"} if allow else {})})


def test_success_response_carries_iss(make_client, client, alice):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    client.force_login(alice)
    url = authorization_url(registered)
    assert client.get(url).status_code == 200  # the prompt
    params = response_params(answer(client, registered, True))
    assert params["code"] and params["state"] == ["s1"] and params["iss"] == [ISSUER]
    # The prompt skipped on an active consent: the same response, the same iss.
    params = response_params(client.get(url))
    assert params["code"] and params["iss"] == [ISSUER]


def test_denied_response_carries_iss(make_client, client, alice):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    client.force_login(alice)
    params = response_params(answer(client, registered, False))
    assert params["error"] == ["access_denied"] and params["state"] == ["s1"] and params["iss"] == [ISSUER]


def test_error_response_carries_iss(make_client, client, alice):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    client.force_login(alice)
    params = response_params(client.get(authorization_url(registered, scope="no-such-scope")))
    assert params["error"] == ["invalid_scope"] and params["iss"] == [ISSUER] and "code" not in params


def test_iss_in_a_registered_query_is_replaced_not_repeated(make_client, client, alice):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=f"{REDIRECT}?iss=forged")
    client.force_login(alice)
    response = answer(client, registered, True, redirect_uri=f"{REDIRECT}?iss=forged")
    assert response.status_code == 302, response.content
    assert parse_qs(urlsplit(response["Location"]).query)["iss"] == [ISSUER]


def test_metadata_announces_iss(client, db):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["authorization_response_iss_parameter_supported"] is True
    assert document["issuer"] == ISSUER


@pytest.mark.parametrize(("uri", "expected"), [
    ("https://c.example/cb?code=a&state=s%20t", f"https://c.example/cb?code=a&state=s%20t&iss={quote(ISSUER, safe='')}"),
    ("https://c.example/cb?iss=x&code=a", f"https://c.example/cb?code=a&iss={quote(ISSUER, safe='')}"),
    ("https://c.example/cb?%69ss=x&code=a", f"https://c.example/cb?code=a&iss={quote(ISSUER, safe='')}"),
    ("https://c.example/cb?x=1#code=a&iss=y", f"https://c.example/cb?x=1#code=a&iss={quote(ISSUER, safe='')}"),
])
def test_with_iss_keeps_every_other_parameter_as_spelled(uri, expected):
    assert with_iss(uri) == expected
