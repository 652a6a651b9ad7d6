"""Open registration of public native clients (draft-ietf-mailmaint-oauth-public-06,
RFC 7591, RFC 8252 §7) under the site's policy: off, statement required, or open."""

import secrets

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance

MAIL, CONTACTS, CALENDARS = (f"urn:ietf:params:oauth:scope:{s}" for s in ("mail", "contacts", "calendars"))


def body(**overrides):
    """What a Thunderbird-like client sends."""
    return {"client_name": "Mail Client", "client_uri": "https://client.example.org/", "software_id": "mail-client",
            "software_version": "128.0", "redirect_uris": ["http://127.0.0.1/", "org.example.mailclient:/oauth"],
            "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"], "scope": f"{MAIL} {CONTACTS} {CALENDARS}", **overrides}


@pytest.fixture
def policy(settings, db):
    def set_(value, **extra):
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REGISTRATION": {
            "THROTTLE_RATE": "100000/min", "OPEN_THROTTLE_RATE": "100000/min", "PUBLIC_CLIENTS": value, **extra}}
    return set_


def nothing_written():
    return not get_application_model().objects.exists() and not ClientInstance.objects.exists()


def test_open_policy_registers_a_public_native_client(policy, register):
    policy("open")
    status, registered = register(body())
    assert status == 201, registered
    assert registered["token_endpoint_auth_method"] == "none" and "client_secret" not in registered
    assert registered["scope"] == f"{MAIL} {CONTACTS} {CALENDARS}"
    assert registered["redirect_uris"] == ["http://127.0.0.1/", "org.example.mailclient:/oauth"]
    app = get_application_model().objects.get(client_id=registered["client_id"])
    assert (app.client_type, app.authorization_grant_type) == ("public", "authorization-code")
    instance = ClientInstance.objects.get(application=app)
    assert (instance.publisher, instance.software_id, instance.scope) == (None, "mail-client", [MAIL, CONTACTS, CALENDARS])


@pytest.mark.parametrize(("overrides", "error"), [
    ({"redirect_uris": ["https://client.example.org/cb"]}, "invalid_redirect_uri"),  # native clients only
    ({"redirect_uris": ["mailclient:/oauth"]}, "invalid_redirect_uri"),  # not reverse DNS (RFC 8252 §7.1)
    ({"redirect_uris": ["http://localhost/cb"]}, "invalid_redirect_uri"),  # RFC 8252 §8.3: an IP literal
    ({"grant_types": ["client_credentials"], "redirect_uris": []}, "invalid_client_metadata"),
    ({"response_types": ["token"]}, "invalid_client_metadata"),
])
def test_open_policy_refuses_what_the_profile_does_not_allow(policy, register, overrides, error):
    policy("open")
    status, answer = register(body(**overrides))
    assert (status, answer["error"]) == (400, error)
    assert nothing_written()


def test_open_policy_clips_scopes_and_keeps_confidential_clients_out(policy, register):
    policy("open")
    status, registered = register(body(scope=f"{MAIL} read registration"))
    assert (status, registered["scope"]) == (201, MAIL)
    status, answer = register(body(token_endpoint_auth_method="client_secret_basic"))
    assert (status, answer["error"]) == (401, "invalid_token")
    assert get_application_model().objects.count() == 1


def test_statement_policy_needs_a_statement(policy, register):
    policy("statement")
    status, answer = register(body())
    assert (status, answer["error"]) == (401, "invalid_token")
    assert nothing_written()


def test_off_policy_refuses_public_clients_even_with_a_statement(policy, register, vendor):
    vendor.publisher.allowed_auth_methods = ["none", "private_key_jwt"]
    vendor.publisher.redirect_uri_forms = ["loopback"]
    vendor.publisher.require_instance_key = False
    vendor.publisher.save()
    policy("off")
    statement = vendor.statement(token_endpoint_auth_method="none")
    status, answer = register({"software_statement": statement})
    assert (status, answer["error"]) == (400, "invalid_client_metadata")
    assert nothing_written()
    policy("statement")
    status, answer = register({"software_statement": statement})
    assert status == 201, answer


def test_open_registrations_have_their_own_rate(policy, register):
    policy("open", OPEN_THROTTLE_RATE="2/min")
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    statuses = [register(body(), REMOTE_ADDR=address)[0] for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert get_application_model().objects.count() == 2
    # The other registrations keep the general rate.
    assert register(body(token_endpoint_auth_method="client_secret_basic"), REMOTE_ADDR=address)[0] == 401
