"""Server challenges (-11 §6): the endpoint, their use in PoPs, their lifetime and single use;
the AS metadata; attesters managed as a file and their keys at a jwks_uri."""

from __future__ import annotations

import io
import json
import time
import uuid

import pytest
from django.core.management import call_command

from oauth_ext.attestation import challenges
from oauth_ext.attestation.models import Attester
from oauth_ext.client_sdk.attestation import ClientAttestation
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.dpop import nonces

from ..conftest import ISSUER
from .test_attestation import CC, headers

HEADER = "OAuth-Client-Attestation-Challenge"


def test_the_challenge_endpoint_hands_out_uncacheable_challenges(client):
    response = client.post("/o/challenge/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    challenge = response.json()["attestation_challenge"]
    assert challenges.is_valid(challenge)
    assert "DPoP-Nonce" not in response
    assert client.get("/o/challenge/").status_code == 405


def test_the_challenge_endpoint_also_gives_a_dpop_nonce_when_nonces_are_required(client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"REQUIRE_NONCE": True}}
    response = client.post("/o/challenge/")
    assert nonces.is_valid(response["DPoP-Nonce"])


@pytest.fixture
def requiring(settings, make_client, make_attester):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ATTESTATION": {"REQUIRE_CHALLENGE": True}}
    registered = make_client("attest_jwt_client_auth")
    attester = make_attester(client_ids=[registered.client_id])
    key = DPoPKey.generate()
    return ClientAttestation(attester.attestation(registered.client_id, key.public_jwk), key, audience=ISSUER)


def test_a_missing_challenge_is_answered_with_a_fresh_one_that_then_works(requiring, token_request):
    status, body, response = token_request(CC, **headers(requiring))
    assert (status, body["error"]) == (400, "use_attestation_challenge")
    assert response["Cache-Control"] == "no-store"
    requiring.challenge = response[HEADER]
    status, body, _ = token_request(CC, **headers(requiring))
    assert status == 200, body


def test_a_challenge_from_the_endpoint_works_once(requiring, token_request, client):
    requiring.challenge = client.post("/o/challenge/").json()["attestation_challenge"]
    assert token_request(CC, **headers(requiring))[0] == 200
    status, body, response = token_request(CC, **headers(requiring))  # new PoP, same challenge
    assert (status, body["error"]) == (400, "use_attestation_challenge")
    assert response[HEADER] != requiring.challenge


def test_stale_and_foreign_challenges_are_refused(requiring, token_request, settings):
    for challenge in (challenges.issue(now=time.time() - 3600), "5c1a9e10-29ff-4c2b-ae73-57c0957c09c4",
                      challenges.issue()[:-2] + "AA"):
        requiring.challenge = challenge
        status, body, response = token_request(CC, **headers(requiring))
        assert (status, body["error"]) == (400, "use_attestation_challenge")
        assert challenges.is_valid(response[HEADER])


def test_challenges_may_be_reused_within_their_lifetime_when_single_use_is_off(requiring, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ATTESTATION": {"REQUIRE_CHALLENGE": True, "CHALLENGE_SINGLE_USE": False}}
    requiring.challenge = challenges.issue()
    assert token_request(CC, **headers(requiring))[0] == 200
    assert token_request(CC, **headers(requiring))[0] == 200


def test_metadata_announces_the_endpoint_algorithms_and_methods(client):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["challenge_endpoint"] == "https://as.example.com/o/challenge/"
    assert "ES256" in document["client_attestation_signing_alg_values_supported"]
    assert "HS256" not in document["client_attestation_pop_signing_alg_values_supported"]
    assert document["client_attestation_pop_methods_supported"] == ["attestation_pop_jwt", "dpop_combined", "none"]
    assert {"attest_jwt_client_auth", "attest_jwt_client_auth_dpop"} <= set(document["token_endpoint_auth_methods_supported"])
    assert "dpop_signing_alg_values_supported" in document  # required with combined mode (§8.1)


def test_metadata_is_silent_when_attestation_is_not_offered(client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_AUTH": {"METHODS": ["oauth_ext.client_auth.private_key_jwt.PrivateKeyJWT"]}}
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert "challenge_endpoint" not in document


def test_attesters_import_export_and_refresh_from_their_jwks_uri(db, http_server, settings, tmp_path, make_client, token_request):
    settings.DEBUG = True  # plain http to loopback is fetched only while DEBUG
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    path = f"/{uuid.uuid4().hex}/jwks.json"
    http_server.serve_json(path, {"keys": [jose.public_jwk(private)]})
    registered = make_client("attest_jwt_client_auth")
    file = tmp_path / "attesters.json"
    file.write_text(json.dumps([{"name": "Platform", "jwks_uri": http_server.url(path), "client_ids": [registered.client_id]}]))
    out = io.StringIO()
    call_command("oauth_ext_attesters", "import", str(file), stdout=out)
    assert "1 created" in out.getvalue()
    call_command("oauth_ext_attesters", "refresh", stdout=out)
    assert Attester.objects.get(name="Platform").keys_refreshed_at is not None
    out = io.StringIO()
    call_command("oauth_ext_attesters", "export", stdout=out)
    assert json.loads(out.getvalue())[0]["jwks_uri"] == http_server.url(path)

    from ..conftest import TrustedAttester

    key = DPoPKey.generate()
    attestation = TrustedAttester(private, None).attestation(registered.client_id, key.public_jwk)
    assert token_request(CC, **headers(ClientAttestation(attestation, key, audience=ISSUER)))[0] == 200


def test_an_attester_without_keys_or_clients_is_not_saved(tmp_path, db):
    file = tmp_path / "bad.json"
    file.write_text(json.dumps([{"name": "Nobody", "jwks": {"keys": []}}]))
    with pytest.raises(Exception, match="nothing imported"):
        call_command("oauth_ext_attesters", "import", str(file))
    assert not Attester.objects.exists()
