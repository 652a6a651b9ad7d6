"""The mail-app story on the example project's services: one consent for IMAP, SMTP,
CardDAV and CalDAV, one token per service scoped to it alone, a second device that
is not asked again, expiry the client sees in advance, and precise revocation."""

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import withdraw
from oauth_ext.status_list.models import StatusEntry

from ...conftest import basic_auth

SERVICES = {
    "imap://mail.example.com": "mail",
    "smtp://mail.example.com": "mail.send",
    "https://dav.example.com/carddav": "contacts",
    "https://dav.example.com/caldav": "calendar",
}
CALLBACK = "http://127.0.0.1/callback"
VOUCHED = "https://mail.vendor.example.com/oauth/callback"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


def sign_in(authorize, token_request, device, user):
    exchange = authorize(device, user, redirect_uri=CALLBACK, scope=" ".join(SERVICES.values()),
                         resource=list(SERVICES))
    del exchange["client_id"]
    status, body, _ = token_request({**exchange, **device.auth()})
    assert status == 200, body
    return body


def token_for(token_request, device, refresh_token, resource):
    return token_request({"grant_type": "refresh_token", "refresh_token": refresh_token, "resource": resource,
                          **device.auth()})


def introspect(client, make_client, token):
    rs = make_client(None, hash_client_secret=False)
    return client.post("/o/introspect/", {"token": token}, **basic_auth(rs.client_id, rs.secret)).json()


def test_one_consent_four_scoped_tokens(mail_app, install, authorize, token_request, alice, client):
    laptop = install(mail_app, "laptop")
    client.force_login(alice)
    page = client.get("/o/authorize/", {"response_type": "code", "client_id": laptop.client_id,
                                        "redirect_uri": CALLBACK, "scope": " ".join(SERVICES.values()),
                                        "resource": list(SERVICES), "code_challenge": "x" * 43,
                                        "code_challenge_method": "S256"})
    # One screen, each service and permission in plain words.
    for words in ("Your mailbox (IMAP)", "Sending mail (SMTP)", "Your contacts (CardDAV)", "Your calendars (CalDAV)",
                  "Read and organise your mail", "Send mail as you"):
        assert words in page.content.decode()
    client.logout()

    tokens = sign_in(authorize, token_request, laptop, alice)
    consent = ConsentGrant.objects.get(user=alice)
    assert set(consent.resources) == set(SERVICES) and set(consent.scopes) == set(SERVICES.values())

    issued = {}
    for resource, scope in SERVICES.items():
        status, body, _ = token_for(token_request, laptop, tokens["refresh_token"], resource)
        assert status == 200, body
        claims = jwt.decode(body["access_token"], options={"verify_signature": False})
        assert (claims["aud"], claims["scope"], body["scope"]) == (resource, scope, scope)
        assert "refresh_token" not in body  # the one refresh token serves every service
        issued[resource] = body["access_token"]
    # All four stay valid side by side.
    assert get_access_token_model().objects.filter(user=alice, application__client_id=laptop.client_id).count() == 5


def test_second_device_is_not_asked_again_and_revocation_is_precise(mail_app, install, authorize, token_request,
                                                                     alice, client, make_client):
    # The phone's app receives its code at an https address its vendor signed: it
    # proves more than the public statement, so the consent is shared without a prompt.
    laptop, phone = install(mail_app, "laptop"), install(mail_app, "phone", redirect_uris=[CALLBACK, VOUCHED])
    laptop_tokens = sign_in(authorize, token_request, laptop, alice)
    client.force_login(alice)
    again = client.get("/o/authorize/", {"response_type": "code", "client_id": phone.client_id,
                                         "redirect_uri": VOUCHED, "scope": "mail contacts",
                                         "resource": ["imap://mail.example.com", "https://dav.example.com/carddav"],
                                         "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s"})
    assert again.status_code == 302 and "code=" in again["Location"]  # no prompt on the phone
    client.logout()
    phone_tokens = sign_in(authorize, token_request, phone, alice)
    assert ConsentGrant.objects.filter(user=alice).count() == 1

    # The laptop is lost: its tokens die, the consent and the phone stay.
    revoke_instance(ClientInstance.objects.get(application__client_id=laptop.client_id))
    assert ConsentGrant.objects.get(user=alice).is_active
    assert introspect(client, make_client, laptop_tokens["access_token"])["active"] is False
    status, body, _ = token_for(token_request, phone, phone_tokens["refresh_token"], "imap://mail.example.com")
    assert status == 200, body

    # Withdrawing the consent ends the phone's tokens too, and their status says so.
    withdraw(ConsentGrant.objects.get(user=alice), by=alice)
    assert introspect(client, make_client, body["access_token"])["active"] is False
    assert not get_access_token_model().objects.filter(user=alice).exists()
    assert StatusEntry.objects.filter(status=1).count() >= 2
    status, body, _ = token_for(token_request, phone, phone_tokens["refresh_token"], "imap://mail.example.com")
    assert (status, body["error"]) == (400, "invalid_grant")


def test_resource_outside_the_grant_is_invalid_target(mail_app, install, authorize, token_request, alice):
    laptop = install(mail_app)
    exchange = authorize(laptop, alice, redirect_uri=CALLBACK, scope="mail", resource=["imap://mail.example.com"])
    del exchange["client_id"]
    tokens = token_request({**exchange, **laptop.auth()})[1]
    status, body, _ = token_for(token_request, laptop, tokens["refresh_token"], "smtp://mail.example.com")
    assert (status, body["error"]) == (400, "invalid_target")


@pytest.mark.parametrize("resource", ["imap://other.example.com", "not-a-uri", "https://dav.example.com/caldav#x"])
def test_unknown_or_malformed_resource_at_authorization(mail_app, install, alice, client, resource):
    laptop = install(mail_app)
    client.force_login(alice)
    response = client.get("/o/authorize/", {"response_type": "code", "client_id": laptop.client_id,
                                            "redirect_uri": CALLBACK, "scope": "mail", "resource": resource,
                                            "state": "s9", "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert response.status_code == 302
    assert "error=invalid_target" in response["Location"] and "state=s9" in response["Location"]
    assert not ConsentGrant.objects.exists()


def test_a_resource_granted_without_its_scope_is_invalid_scope(mail_app, install, authorize, token_request, alice):
    laptop = install(mail_app)
    exchange = authorize(laptop, alice, redirect_uri=CALLBACK, scope="mail",
                         resource=["imap://mail.example.com", "smtp://mail.example.com"])
    del exchange["client_id"]
    tokens = token_request({**exchange, **laptop.auth()})[1]
    status, body, _ = token_for(token_request, laptop, tokens["refresh_token"], "smtp://mail.example.com")
    assert (status, body["error"]) == (400, "invalid_scope")
