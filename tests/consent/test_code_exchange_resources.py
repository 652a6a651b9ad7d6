"""RFC 8707 §2.2 at the code exchange: the first token is for the services the
client names at that step, with their scopes alone; the refresh token keeps the
whole grant for the others."""

import jwt
import pytest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from ..conftest import MAIL_SERVICES

IMAP, SMTP = list(MAIL_SERVICES)
CALLBACK = "http://127.0.0.1/callback"


@pytest.fixture
def exchange(mail_app, install, authorize, django_user_model):
    """Factory: a code for IMAP and SMTP with ``scope``; returns (device, token request)."""
    alice = django_user_model.objects.create_user("alice", password="pw")

    def make(scope="mail mail.send"):
        device = install(mail_app)
        request = authorize(device, alice, redirect_uri=CALLBACK, scope=scope, resource=[IMAP, SMTP])
        del request["client_id"]
        return device, request

    return make


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_the_first_token_is_for_the_named_service_alone(exchange, token_request):
    device, request = exchange()
    status, body, _ = token_request({**request, "resource": IMAP, **device.auth()})
    assert status == 200, body
    assert (body["scope"], claims(body["access_token"])["aud"], claims(body["access_token"])["scope"]) == (
        "mail", IMAP, "mail")
    assert get_access_token_model().objects.get().scope == "mail"
    # The refresh token still holds the grant: a token for SMTP, with SMTP's scope.
    status, smtp, _ = token_request({"grant_type": "refresh_token", "refresh_token": body["refresh_token"],
                                     "resource": SMTP, **device.auth()})
    assert status == 200, smtp
    assert (smtp["scope"], claims(smtp["access_token"])["aud"]) == ("mail.send", SMTP)


def test_without_resource_the_first_token_covers_the_grant(exchange, token_request):
    device, request = exchange()
    status, body, _ = token_request({**request, **device.auth()})
    assert status == 200, body
    assert claims(body["access_token"])["aud"] == [IMAP, SMTP]
    assert set(body["scope"].split()) == {"mail", "mail.send"}


def test_a_service_outside_the_grant_is_invalid_target(exchange, token_request):
    device, request = exchange()
    status, body, _ = token_request({**request, "resource": "https://dav.example.com/caldav", **device.auth()})
    assert (status, body["error"]) == (400, "invalid_target")
    assert not get_access_token_model().objects.exists() and not get_refresh_token_model().objects.exists()


def test_a_service_granted_no_scope_is_invalid_scope(exchange, token_request):
    device, request = exchange(scope="mail")
    status, body, _ = token_request({**request, "resource": SMTP, **device.auth()})
    assert (status, body["error"]) == (400, "invalid_scope")
    assert not get_access_token_model().objects.exists() and not get_refresh_token_model().objects.exists()
