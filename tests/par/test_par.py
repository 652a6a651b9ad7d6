"""RFC 9126 pushed authorization requests, through DOT's authorization view."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.par.models import PushedRequest

Application = get_application_model()
REDIRECT = "https://client.example.org/cb"
PAR_HTU = "https://as.example.com/o/par/"


def pkce():
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def push(client):
    def post(registered, credentials=None, **params):
        verifier, challenge = pkce()
        data = {"response_type": "code", "client_id": registered.client_id, "redirect_uri": REDIRECT, "scope": "read",
                "state": "st", "code_challenge": challenge, "code_challenge_method": "S256", **params}
        data = {k: v for k, v in data.items() if v is not None}
        response = client.post("/o/par/", {**data, **(credentials or {})}, **params.pop("headers", {}))
        return response, verifier

    return post


def complete(client, user, client_id, request_uri, **extra_query):
    client.force_login(user)
    url = "/o/authorize/?" + urlencode({"client_id": client_id, "request_uri": request_uri, **extra_query})
    page = client.get(url)
    assert page.status_code == 200, page.content
    response = client.post(url, {"allow": "Authorize"})
    client.logout()
    return response


def test_code_flow_through_par_with_private_key_jwt(make_client, push, client, token_request, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("pia", password="pw")
    response, verifier = push(registered, registered.form())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_uri"].startswith("urn:ietf:params:oauth:request_uri:") and body["expires_in"] == 60
    assert response["Cache-Control"] == "no-cache, no-store"
    done = complete(client, user, registered.client_id, body["request_uri"], redirect_uri="https://evil.example.com/")
    assert done.status_code == 302
    location = urlsplit(done["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT  # pushed values win
    code = parse_qs(location.query)["code"][0]
    status, tokens, _ = token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                       "code_verifier": verifier, **registered.form()})
    assert status == 200, tokens
    client.force_login(user)
    again = client.get("/o/authorize/?" + urlencode({"client_id": registered.client_id, "request_uri": body["request_uri"]}))
    assert (again.status_code, again.json()["error"]) == (400, "invalid_request_uri")  # single use


def test_public_client_with_pkce(make_client, push, client, token_request, django_user_model):
    registered = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("pat", password="pw")
    response, verifier = push(registered)
    assert response.status_code == 201, response.content
    done = complete(client, user, registered.client_id, response.json()["request_uri"])
    code = parse_qs(urlsplit(done["Location"]).query)["code"][0]
    status, tokens, _ = token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                       "code_verifier": verifier, "client_id": registered.client_id})
    assert status == 200, tokens


@pytest.mark.parametrize(("params", "error"), [
    ({"request_uri": "urn:ietf:params:oauth:request_uri:x"}, "invalid_request"),
    ({"redirect_uri": "https://not-registered.example.org/cb"}, "invalid_request"),
    ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"response_type": "token"}, "unauthorized_client"),  # as the authorization endpoint answers
])
def test_bad_pushed_requests(make_client, push, params, error):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    response, _ = push(registered, registered.form(), **params)
    assert (response.status_code, response.json()["error"]) == (400, error), response.content
    assert not PushedRequest.objects.exists()


def test_unauthenticated_or_wrong_method(make_client, push, client):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    response, _ = push(registered, registered.form(registered.assertion(aud="https://evil.example.com")))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert client.get("/o/par/").status_code == 405
    big = client.post("/o/par/", {"client_id": registered.client_id, "x": "y" * 40000})
    assert big.status_code == 413


def test_request_uri_is_bound_to_its_client_and_expires(make_client, push, client, django_user_model):
    first = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    second = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    request_uri = push(first, first.form())[0].json()["request_uri"]
    client.force_login(django_user_model.objects.create_user("quinn", password="pw"))
    other = client.get("/o/authorize/?" + urlencode({"client_id": second.client_id, "request_uri": request_uri}))
    assert (other.status_code, other.json()["error"]) == (400, "invalid_request_uri")
    from datetime import timedelta

    from django.utils import timezone

    PushedRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get("/o/authorize/?" + urlencode({"client_id": first.client_id, "request_uri": request_uri}))
    assert (expired.status_code, expired.json()["error"]) == (400, "invalid_request_uri")
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("oauth_ext_prune_pushed_requests", stdout=out)
    assert out.getvalue().startswith("1 expired") and not PushedRequest.objects.exists()


@pytest.mark.parametrize("where", ["global", "client"])
def test_par_required(make_client, push, client, settings, django_user_model, where):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    if where == "global":
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "PAR": {"REQUIRED": True}}
    else:
        profile = registered.app.oauth_ext_profile
        profile.require_pushed_authorization_requests = True
        profile.save()
    client.force_login(django_user_model.objects.create_user("ravi", password="pw"))
    _, challenge = pkce()
    direct = client.get("/o/authorize/?" + urlencode({"response_type": "code", "client_id": registered.client_id,
                                                       "redirect_uri": REDIRECT, "code_challenge": challenge,
                                                       "code_challenge_method": "S256"}))
    assert (direct.status_code, direct.json()["error"]) == (400, "invalid_request")
    client.logout()
    assert push(registered, registered.form())[0].status_code == 201
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["pushed_authorization_request_endpoint"] == PAR_HTU
    assert document["require_pushed_authorization_requests"] is (where == "global")


def test_dpop_header_at_par_binds_the_code(make_client, push, client, token_request, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("sam", password="pw")
    key, thief = DPoPKey.generate(), DPoPKey.generate()
    response, verifier = push(registered, registered.form(), headers={"HTTP_DPOP": key.proof("POST", PAR_HTU)})
    assert response.status_code == 201, response.content
    done = complete(client, user, registered.client_id, response.json()["request_uri"])
    code = parse_qs(urlsplit(done["Location"]).query)["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    token_htu = "https://as.example.com/o/token/"
    status, body, _ = token_request({**exchange, **registered.form()}, HTTP_DPOP=thief.proof("POST", token_htu))
    assert (status, body["error"]) == (400, "invalid_grant")
    mismatch, _ = push(registered, registered.form(), dpop_jkt=thief.jkt, headers={"HTTP_DPOP": key.proof("POST", PAR_HTU)})
    assert (mismatch.status_code, mismatch.json()["error"]) == (400, "invalid_request")
