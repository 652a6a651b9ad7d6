"""``ccr`` (draft-lombardo-oauth-client-extension-claims-02 §3.2): issued when the
client authenticated through a trust framework the site configured, fixed across a
refresh, never for a client nothing vouches for."""

import pytest

from oauth_ext.token_context import DRAFT
from oauth_ext.tokens.claims import jwt_claims

from ..conformance.attested_workload_clients.test_flows import attested_instance
from ..conftest import ISSUER, basic_auth
from ..spiffe.test_spiffe import Workload, svid_form

ATTESTED = f"{ISSUER}/ccr/attestation"
WORKLOAD = f"{ISSUER}/ccr/spiffe"
PUBLISHED = f"{ISSUER}/ccr/software_statement"


def test_an_attested_client(make_client, make_attester, token_request, introspect):
    _, instance = attested_instance(make_client, make_attester, "attest_jwt_client_auth")
    sent = instance.headers()
    status, tokens, _ = token_request({"grant_type": "client_credentials", "scope": "read"},
                                      HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                                      HTTP_OAUTH_CLIENT_ATTESTATION_POP=sent["OAuth-Client-Attestation-PoP"])
    assert status == 200, tokens
    assert jwt_claims(tokens["access_token"])["ccr"] == ATTESTED
    assert introspect(tokens["access_token"])["ccr"] == ATTESTED


def test_a_spiffe_workload(db, http_server, settings, make_client, token_request):
    settings.DEBUG = True  # the bundle endpoint is plain http on loopback
    workload = Workload(http_server)
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/ns/*"})
    status, tokens, _ = token_request(svid_form(workload.svid("spiffe://example.org/ns/api"), client_id=registered.client_id))
    assert status == 200, tokens
    assert jwt_claims(tokens["access_token"])["ccr"] == WORKLOAD


def test_an_instance_of_a_trusted_publisher_keeps_its_ccr_across_a_refresh(enroll, alice, vendor, token_request,
                                                                           introspect):
    device = enroll(alice, "laptop")["laptop"]
    assert jwt_claims(device.tokens["access_token"])["ccr"] == PUBLISHED
    status, refreshed, _ = token_request({"grant_type": "refresh_token", "refresh_token": device.tokens["refresh_token"],
                                          **device.auth()})
    assert status == 200, refreshed
    assert jwt_claims(refreshed["access_token"])["ccr"] == PUBLISHED
    assert introspect(refreshed["access_token"])["ccr"] == PUBLISHED
    # IT stops trusting the publisher: later tokens claim nothing it no longer vouches for.
    vendor.publisher.enabled = False
    vendor.publisher.save()
    status, later, _ = token_request({"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
                                      **device.auth()})
    assert status == 200, later
    assert "ccr" not in jwt_claims(later["access_token"]) and "ccr" not in introspect(later["access_token"])


def test_a_refresh_never_gains_a_ccr(install, authorize, alice, vendor, token_request):
    """Fixed across the access tokens of one authorization (§3.2): a client trusted only
    after its authorization does not get ccr on refresh."""
    device = install(vendor, "phone")
    vendor.publisher.enabled = False
    vendor.publisher.save()
    exchange = authorize(device, alice, redirect_uri="http://127.0.0.1/callback")
    del exchange["client_id"]
    status, tokens, _ = token_request({**exchange, **device.auth()})
    assert status == 200, tokens
    assert "ccr" not in jwt_claims(tokens["access_token"])
    vendor.publisher.enabled = True
    vendor.publisher.save()
    status, refreshed, _ = token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                          **device.auth()})
    assert status == 200, refreshed
    assert "ccr" not in jwt_claims(refreshed["access_token"])


@pytest.mark.parametrize("method", ["private_key_jwt", "client_secret_jwt", None])
def test_no_trust_framework_no_ccr(make_client, token_request, method):
    registered = make_client(method, hash_client_secret=False)
    form = registered.form() if method else {}
    headers = {} if method else basic_auth(registered.client_id, registered.secret)
    status, tokens, _ = token_request({"grant_type": "client_credentials", **form}, **headers)
    assert status == 200, tokens
    assert "ccr" not in jwt_claims(tokens["access_token"])


def test_the_site_names_or_switches_off_each_value(settings, make_client, make_attester, token_request):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "TOKEN_CONTEXT": {"CCR": {"attestation": "https://trust.example.com/aal2"}}}
    _, instance = attested_instance(make_client, make_attester, "attest_jwt_client_auth_dpop")
    sent = instance.combined_headers("POST", f"{ISSUER}/o/token/")
    status, tokens, _ = token_request({"grant_type": "client_credentials"}, HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                                      HTTP_DPOP=sent["DPoP"])
    assert status == 200, tokens
    assert jwt_claims(tokens["access_token"])["ccr"] == "https://trust.example.com/aal2"
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "TOKEN_CONTEXT": {"CCR": {"attestation": ""}}}
    sent = instance.combined_headers("POST", f"{ISSUER}/o/token/")
    status, tokens, _ = token_request({"grant_type": "client_credentials"}, HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                                      HTTP_DPOP=sent["DPoP"])
    assert status == 200 and "ccr" not in jwt_claims(tokens["access_token"])
    assert DRAFT == "draft-lombardo-oauth-client-extension-claims-02"
