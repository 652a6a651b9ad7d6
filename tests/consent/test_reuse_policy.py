"""Consent reuse across devices (CONSENT.REUSE_POLICY): a software statement is
public, so a new device shares the user's consent silently only when it proves
more than the statement; otherwise the user confirms the new device."""

from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import get_grant_model

from oauth_ext.clients.models import ClientProfile
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.core import jose

CALLBACK = "http://127.0.0.1/callback"
VOUCHED = "https://mail.vendor.example.com/oauth/callback"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def laptop_allowed(vendor, install, authorize, token_request, alice):
    """Alice allowed the vendor's Mail on her laptop."""
    laptop = install(vendor, "laptop")
    exchange = authorize(laptop, alice, redirect_uri=CALLBACK)
    del exchange["client_id"]
    assert token_request({**exchange, **laptop.auth()})[0] == 200
    return laptop


def ask(client, user, device, redirect_uri=CALLBACK, **extra):
    client.force_login(user)
    return client.get("/o/authorize/", {"response_type": "code", "client_id": device.client_id, "redirect_uri": redirect_uri,
                                        "scope": "read", "state": "s", "code_challenge": "x" * 43,
                                        "code_challenge_method": "S256", **extra})


def codes_of(device):
    return get_grant_model().objects.filter(application__client_id=device.client_id).count()


def test_a_copied_statement_on_a_loopback_uri_gets_the_new_device_confirmation(laptop_allowed, vendor, install, client,
                                                                              alice):
    phone = install(vendor, "phone", platform="Android")
    page = ask(client, alice, phone)
    assert page.status_code == 200 and page.context["consent_new_device"] is True
    text = page.content.decode()
    assert "Allow Mail on phone too?" in text and "You already allowed Mail on another device" in text
    assert "alice" in text and "Vendor" in text and "phone (Android)" in text
    assert codes_of(phone) == 0  # no code without the confirmation

    # The user confirms: now the code, and the consent is still the one grant.
    confirmed = client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"],
                            {**{k: v for k, v in parse_qs(page.request["QUERY_STRING"]).items()}, "allow": "Allow"})
    assert confirmed.status_code == 302 and "code" in parse_qs(urlsplit(confirmed["Location"]).query)
    assert codes_of(phone) == 1 and ConsentGrant.objects.filter(user=alice).count() == 1


def test_denying_the_new_device_gives_no_code_and_keeps_the_consent(laptop_allowed, vendor, install, client, alice):
    phone = install(vendor, "phone")
    page = ask(client, alice, phone)
    query = parse_qs(page.request["QUERY_STRING"])
    denied = client.post("/o/authorize/?" + page.request["QUERY_STRING"], {k: v[0] for k, v in query.items()})
    assert "error=access_denied" in denied["Location"] and codes_of(phone) == 0
    assert ConsentGrant.objects.get(user=alice).is_active  # the laptop's consent stays


def test_an_https_redirect_uri_the_publisher_signed_shares_silently(laptop_allowed, vendor, install, client, alice):
    phone = install(vendor, "phone", redirect_uris=[CALLBACK, VOUCHED])
    response = ask(client, alice, phone, redirect_uri=VOUCHED)
    assert response.status_code == 302 and response["Location"].startswith(VOUCHED + "?code=")
    assert codes_of(phone) == 1
    # The same instance on its loopback address proves nothing more: confirm first.
    assert ask(client, alice, phone).status_code == 200


def test_an_https_redirect_uri_only_the_instance_claims_is_not_enough(laptop_allowed, vendor, register, client, alice):
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    status, body = register({"software_statement": vendor.statement(redirect_uris=None), "redirect_uris": [VOUCHED],
                             "device_label": "phone", "jwks": {"keys": [jose.public_jwk(key)]}})
    assert status == 201, body
    response = ask(client, alice, type("Device", (), {"client_id": body["client_id"]}), redirect_uri=VOUCHED)
    assert response.status_code == 200 and response.context["consent_new_device"] is True
    assert get_grant_model().objects.filter(application__client_id=body["client_id"]).count() == 0


def test_an_attested_instance_shares_silently(laptop_allowed, vendor, install, client, alice):
    phone = install(vendor, "phone")
    ClientProfile.objects.filter(application__client_id=phone.client_id).update(
        token_endpoint_auth_method="attest_jwt_client_auth")  # as registration records an attested instance
    response = ask(client, alice, phone)
    assert response.status_code == 302 and "code=" in response["Location"] and codes_of(phone) == 1


def test_a_device_the_user_confirmed_is_not_asked_again(laptop_allowed, client, alice):
    response = ask(client, alice, laptop_allowed)
    assert response.status_code == 302 and "code=" in response["Location"]


def test_the_policy_is_a_setting(laptop_allowed, vendor, install, client, alice, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CONSENT": {"REUSE_POLICY": "oauth_ext.consent.policies.AlwaysShare"}}
    phone = install(vendor, "phone")
    response = ask(client, alice, phone)
    assert response.status_code == 302 and "code=" in response["Location"] and codes_of(phone) == 1
