"""Pushed client registration (draft-richer-oauth-pushed-client-registration-00)."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.par.models import PushedRequest

DYNAMIC = "urn:ietf:oauth:parameters:dynamic"
REDIRECT = "http://127.0.0.1/callback"
PAR_HTU = "https://as.example.com/o/par/"
TOKEN_HTU = "https://as.example.com/o/token/"
Application = get_application_model()


@pytest.fixture
def pushed_vendor(vendor):
    vendor.publisher.allowed_auth_methods = ["private_key_jwt", "none"]
    vendor.publisher.save()
    return vendor


def push_dynamic(client, key, registration, **overrides):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    data = {"client_id": DYNAMIC, "response_type": "code", "redirect_uri": REDIRECT, "state": secrets.token_hex(8),
            "code_challenge": challenge, "code_challenge_method": "S256", "scope": "read",
            "client_registration": json.dumps(registration), **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    headers = {"HTTP_DPOP": key.proof("POST", PAR_HTU)} if key else {}
    return client.post("/o/par/", data, **headers), verifier


def test_end_to_end(pushed_vendor, client, token_request, django_user_model):
    key = DPoPKey.generate()
    response, verifier = push_dynamic(client, key, {"software_statement": pushed_vendor.statement(), "client_name": "Mail"})
    assert response.status_code == 201, response.content
    request_uri = response.json()["request_uri"]
    client.force_login(django_user_model.objects.create_user("uma", password="pw"))
    url = "/o/authorize/?" + urlencode({"client_id": DYNAMIC, "request_uri": request_uri})
    assert client.get(url).status_code == 200
    done = client.post(url, {"allow": "Authorize"})
    client.logout()
    code = parse_qs(urlsplit(done["Location"]).query)["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
                "client_id": DYNAMIC}
    status, body, _ = token_request(exchange, HTTP_DPOP=DPoPKey.generate().proof("POST", TOKEN_HTU))
    assert (status, body["error"]) == (400, "invalid_grant")  # the pushed key was not proven
    status, tokens, _ = token_request(exchange, HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200 and tokens["token_type"] == "DPoP", tokens
    status, refreshed, _ = token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                          "client_id": DYNAMIC}, HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, refreshed
    assert "client_id" not in response.json()  # no lasting client_id
    assert ClientInstance.objects.filter(ephemeral=True).count() == 1


@pytest.mark.parametrize("case", ["no-dpop", "no-statement", "untrusted-statement", "no-pkce", "no-state", "token-response"])
def test_refused(pushed_vendor, client, case):
    key = DPoPKey.generate()
    registration = {"software_statement": pushed_vendor.statement()}
    overrides = {}
    if case == "no-statement":
        registration = {"client_name": "Anyone"}
    elif case == "untrusted-statement":
        registration = {"software_statement": pushed_vendor.statement(iss="https://stranger.example.com")}
    elif case == "no-pkce":
        overrides = {"code_challenge": None, "code_challenge_method": None}
    elif case == "no-state":
        overrides = {"state": None}
    elif case == "token-response":  # refused after the client was made: still nothing left
        overrides = {"response_type": "token"}
    response, _ = push_dynamic(client, None if case == "no-dpop" else key, registration, **overrides)
    assert response.status_code == 400, response.content
    assert response.json()["error"] in ("invalid_request", "unapproved_software_statement", "unauthorized_client")
    assert not Application.objects.filter(client_id__startswith="dyn.").exists()  # nothing half-written
    assert not PushedRequest.objects.exists()


def test_keyword_alone_is_not_an_authorization_request(client, db):
    response = client.get("/o/authorize/?" + urlencode({"client_id": DYNAMIC, "response_type": "code"}))
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_metadata_and_pruning(pushed_vendor, client, settings):
    assert client.get("/o/.well-known/oauth-authorization-server").json()["pushed_client_registration_supported"] is True
    response, _ = push_dynamic(client, DPoPKey.generate(), {"software_statement": pushed_vendor.statement()})
    assert response.status_code == 201
    import datetime

    from django.utils import timezone

    from oauth_ext.par.services import prune

    PushedRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    ClientInstance.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert prune() >= 2  # the expired request and its unused ephemeral client
    assert not Application.objects.filter(client_id__startswith="dyn.").exists()
