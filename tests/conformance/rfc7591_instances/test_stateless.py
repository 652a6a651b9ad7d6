"""The same story with stateless instances: registration writes nothing, the client_id
is a server-made assertion, the instance becomes a row on first use."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance, InstanceTemplate
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.core import jose

from ...conftest import ISSUER

Application = get_application_model()


@pytest.fixture
def stateless_vendor(vendor):
    vendor.publisher.allow_stateless = True
    vendor.publisher.save()
    return vendor


class Device:
    def __init__(self, register, vendor):
        self.key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        status, self.registration = register({"software_statement": vendor.statement(), "jwks": {"keys": [jose.public_jwk(self.key)]}})
        assert status == 201, self.registration
        self.client_id = self.registration["client_id"]
        self.signer = AssertionSigner(self.key, client_id=self.client_id, audience=ISSUER, send_public_key=True)

    def auth(self):
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": self.signer.assertion()}


def test_registration_writes_nothing_per_instance(stateless_vendor, register):
    first = Device(register, stateless_vendor)  # the first of its variant writes the shared template
    assert first.client_id.startswith("s.") and len(first.client_id) <= 100
    assert "registration_access_token" not in first.registration and "registration_client_uri" not in first.registration
    counts = (Application.objects.count(), ClientInstance.objects.count(), InstanceTemplate.objects.count())
    for _ in range(3):
        Device(register, stateless_vendor)
    assert (Application.objects.count(), ClientInstance.objects.count(), InstanceTemplate.objects.count()) == counts


def test_laptop_and_phone_stateless(stateless_vendor, register, authorize, token_request, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    laptop, phone = Device(register, stateless_vendor), Device(register, stateless_vendor)
    assert not Application.objects.filter(client_id__in=[laptop.client_id, phone.client_id]).exists()
    for device in (laptop, phone):
        exchange = authorize(device, alice, redirect_uri="http://127.0.0.1/callback")  # first use: the row appears
        del exchange["client_id"]
        status, device.tokens, _ = token_request({**exchange, **device.auth()})
        assert status == 200, device.tokens
    rows = ClientInstance.objects.filter(application__client_id__in=[laptop.client_id, phone.client_id])
    assert rows.count() == 2 and all(r.stateless and r.user == alice for r in rows)

    revoke_instance(rows.get(application__client_id=laptop.client_id))
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": laptop.tokens["refresh_token"], **laptop.auth()})
    assert (status, body["error"]) == (401, "invalid_client")
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": phone.tokens["refresh_token"], **phone.auth()})
    assert status == 200, body


def test_first_use_at_the_token_endpoint_needs_the_bound_key(stateless_vendor, register, token_request):
    stateless_vendor.publisher.allowed_grant_types = ["client_credentials"]
    stateless_vendor.publisher.save()
    statement = stateless_vendor.statement(grant_types=["client_credentials"], redirect_uris=None)
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    status, body = register({"software_statement": statement, "jwks": {"keys": [jose.public_jwk(key)]}})
    assert status == 201, body
    client_id = body["client_id"]
    other = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    thief = AssertionSigner(other, client_id=client_id, audience=ISSUER, send_public_key=True)
    status, answer, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                       "client_assertion": thief.assertion()})
    assert (status, answer["error"]) == (401, "invalid_client")
    owner = AssertionSigner(key, client_id=client_id, audience=ISSUER, send_public_key=True)
    status, answer, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                       "client_assertion": owner.assertion()})
    assert status == 200, answer


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]


def _respell(text: str) -> str:
    """The same bytes in another base64url spelling: change the unused low bits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(text[-1])
    return text[:-1] + alphabet[last ^ 1]


@pytest.mark.parametrize("tamper", ["payload", "mac", "respelled", "foreign"])
def test_tampered_or_foreign_client_id(stateless_vendor, register, token_request, tamper, settings):
    device = Device(register, stateless_vendor)
    body, mac = device.client_id[2:].split(".")
    if tamper == "payload":
        forged = f"s.{_flip(body, 10)}.{mac}"
    elif tamper == "mac":
        forged = f"s.{body}.{_flip(mac, 5)}"
    elif tamper == "respelled":  # the same MAC bytes, spelled differently
        forged = f"s.{body}.{_respell(mac)}"
        assert base64.urlsafe_b64decode(_respell(mac) + "==") == base64.urlsafe_b64decode(mac + "==")
    else:
        settings.SECRET_KEY = "another server's secret entirely, long enough to be a key"
        forged = device.client_id
    signer = AssertionSigner(device.key, client_id=forged, audience=ISSUER, send_public_key=True)
    status, answer, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                       "client_assertion": signer.assertion()})
    assert (status, answer["error"]) == (401, "invalid_client")
    assert not Application.objects.filter(client_id=forged).exists()


def test_revoking_a_never_used_stateless_instance(stateless_vendor, register, authorize, django_user_model):
    device = Device(register, stateless_vendor)
    call_command("oauth_ext_revoke_instance", device.client_id, stdout=StringIO())
    with pytest.raises(AssertionError):
        authorize(device, django_user_model.objects.create_user("bob", password="pw"), redirect_uri="http://127.0.0.1/callback")
    with pytest.raises(CommandError, match="not a client_id"):
        call_command("oauth_ext_revoke_instance", "s.AAAA.BBBB", stdout=StringIO())
