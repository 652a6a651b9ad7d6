"""Stateless instances for unmodified clients: for EC P-256 and Ed25519 keys the
client_id carries the compressed public key, so a plain RFC 7523 assertion (no ``jwk``
header) authenticates the first use; RSA keys keep the header path."""

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances import stateless
from oauth_ext.client_instances.models import ClientInstance, InstanceTemplate
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.core import jose

from ..conftest import ISSUER

Application = get_application_model()


@pytest.fixture
def cc_vendor(vendor):
    """Stateless instances of a client_credentials app, any of the three key types."""
    vendor.publisher.allow_stateless = True
    vendor.publisher.allowed_grant_types = ["client_credentials"]
    vendor.publisher.save()
    return vendor


def register_key(register, vendor, alg):
    key = jose.private_key_to_jwk(jose.generate_private_key(alg))
    status, body = register({"software_statement": vendor.statement(grant_types=["client_credentials"], redirect_uris=None),
                             "jwks": {"keys": [jose.public_jwk(key)]}})
    assert status == 201, body
    return key, body["client_id"]


def token(token_request, key, client_id, *, send_public_key):
    signer = AssertionSigner(key, client_id=client_id, audience=ISSUER, send_public_key=send_public_key)
    return token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                          "client_assertion": signer.assertion()})


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_a_plain_assertion_works_on_first_use(cc_vendor, register, token_request, alg):
    key, client_id = register_key(register, cc_vendor, alg)
    assert len(client_id) <= 100
    assert stateless.bound_jwk(client_id) == {k: v for k, v in jose.public_jwk(key).items() if k != "alg"} | {"alg": key["alg"]}
    assert not Application.objects.filter(client_id=client_id).exists()  # nothing written at registration
    status, body, _ = token(token_request, key, client_id, send_public_key=False)
    assert status == 200, body
    profile = Application.objects.get(client_id=client_id).oauth_ext_profile
    assert [jose.jwk_thumbprint(k) for k in profile.jwks["keys"]] == [jose.jwk_thumbprint(key)]


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_another_key_cannot_use_the_client_id(cc_vendor, register, token_request, alg):
    _, client_id = register_key(register, cc_vendor, alg)
    thief = jose.private_key_to_jwk(jose.generate_private_key(alg))
    for send_public_key in (False, True):
        status, body, _ = token(token_request, thief, client_id, send_public_key=send_public_key)
        assert (status, body["error"]) == (401, "invalid_client")
    assert not ClientInstance.objects.filter(application__client_id=client_id, application__accesstoken__isnull=False).exists()


def test_rsa_keys_keep_the_jwk_header_path(cc_vendor, register, token_request):
    key, client_id = register_key(register, cc_vendor, "RS256")
    assert stateless.bound_jwk(client_id) is None
    status, body, _ = token(token_request, key, client_id, send_public_key=False)
    assert (status, body["error"]) == (401, "invalid_client")
    status, body, _ = token(token_request, key, client_id, send_public_key=True)
    assert status == 200, body


def test_registrations_write_nothing(cc_vendor, register):
    register_key(register, cc_vendor, "ES256")  # the variant's shared template
    counts = (Application.objects.count(), ClientInstance.objects.count(), InstanceTemplate.objects.count())
    for alg in ("ES256", "EdDSA", "ES256"):
        register_key(register, cc_vendor, alg)
    assert (Application.objects.count(), ClientInstance.objects.count(), InstanceTemplate.objects.count()) == counts


def test_a_tampered_key_fails_the_mac(cc_vendor, register, token_request):
    key, client_id = register_key(register, cc_vendor, "EdDSA")
    body, mac = client_id[2:].split(".")
    raw = bytearray(jose.b64url_decode(body))
    raw[-1] ^= 1
    forged = f"s.{jose.b64url_encode(bytes(raw))}.{mac}"
    status, answer, _ = token(token_request, key, forged, send_public_key=False)
    assert (status, answer["error"]) == (401, "invalid_client")
    assert not Application.objects.filter(client_id=forged).exists()
