"""Whole flows against the example project: an attested app instance (both modes, PAR,
refresh, the API), a SPIFFE workload, an mTLS client, and the client helper over HTTP."""

from __future__ import annotations

import pytest
import requests
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.attestation import AttestationAuth, ClientAttestation
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.tokens.claims import jwt_claims

from ...certificates import HEADER, forwarded, issue
from ...conftest import ISSUER
from ...spiffe.test_spiffe import Workload, svid_form

Application = get_application_model()
TOKEN_HTU = "https://as.example.com/o/token/"
PAR_HTU = "https://as.example.com/o/par/"
API = "http://testserver/api/me/"


def attested_instance(make_client, make_attester, method: str, **client):
    registered = make_client(method, **client)
    attester = make_attester(client_ids=[registered.client_id])
    key = DPoPKey.generate()
    return registered, ClientAttestation(attester.attestation(registered.client_id, key.public_jwk), key, audience=ISSUER)


def test_an_attested_app_in_combined_mode_pushes_authorizes_refreshes_and_calls_the_api(
        make_client, make_attester, client, token_request, django_user_model):
    registered, instance = attested_instance(make_client, make_attester, "attest_jwt_client_auth_dpop",
                                             grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("erin", password="pw")
    verifier = "v" * 50
    import base64
    import hashlib

    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    sent = instance.combined_headers("POST", PAR_HTU)
    pushed = client.post("/o/par/", {"response_type": "code", "client_id": registered.client_id, "scope": "read",
                                     "redirect_uri": "https://client.example.org/cb", "code_challenge": challenge,
                                     "code_challenge_method": "S256", "state": "s"},
                         HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"], HTTP_DPOP=sent["DPoP"])
    assert pushed.status_code == 201, pushed.content
    client.force_login(user)
    url = f"/o/authorize/?client_id={registered.client_id}&request_uri={pushed.json()['request_uri']}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"allow": "Authorize"})
    client.logout()
    code = response["Location"].split("code=")[1].split("&")[0]

    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://client.example.org/cb",
                "code_verifier": verifier}
    sent = instance.combined_headers("POST", TOKEN_HTU)
    status, tokens, _ = token_request(exchange, HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                                      HTTP_DPOP=sent["DPoP"])
    assert status == 200 and tokens["token_type"] == "DPoP", tokens
    claims = jwt_claims(tokens["access_token"])
    assert claims["cnf"]["jkt"] == instance.key.jkt and {"attestation", "dpop", "par", "pkce"} <= set(claims["cxt"])
    api = client.get("/api/me/", HTTP_AUTHORIZATION=f"DPoP {tokens['access_token']}",
                     HTTP_DPOP=instance.key.proof("GET", API, access_token=tokens["access_token"]))
    assert api.status_code == 200, api.content

    sent = instance.combined_headers("POST", TOKEN_HTU)
    status, refreshed, _ = token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                                         HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"], HTTP_DPOP=sent["DPoP"])
    assert status == 200, refreshed


def test_an_attested_app_with_pop_jwts_calls_the_api_and_is_seen_by_introspection(
        make_client, make_attester, client, token_request):
    registered, instance = attested_instance(make_client, make_attester, "attest_jwt_client_auth")
    sent = instance.headers()
    status, tokens, _ = token_request({"grant_type": "client_credentials", "scope": "read"},
                                      HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                                      HTTP_OAUTH_CLIENT_ATTESTATION_POP=sent["OAuth-Client-Attestation-PoP"])
    assert status == 200, tokens
    assert client.get("/api/ping/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 200
    sent = instance.headers()  # the instance introspects its own token, authenticated the same way
    answer = client.post("/o/introspect/", {"token": tokens["access_token"]},
                         HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"],
                         HTTP_OAUTH_CLIENT_ATTESTATION_POP=sent["OAuth-Client-Attestation-PoP"])
    assert answer.status_code == 200, answer.content
    assert answer.json()["active"] is True and answer.json()["cmr"] == "attest_jwt_client_auth"


def test_a_spiffe_workload_calls_the_api(db, http_server, settings, make_client, token_request, client):
    settings.DEBUG = True
    workload = Workload(http_server)
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/ns/*"})
    status, tokens, _ = token_request(svid_form(workload.svid("spiffe://example.org/ns/api"), client_id=registered.client_id,
                                                scope="read"))
    assert status == 200, tokens
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 200


def test_an_mtls_client_calls_the_api_with_its_certificate_only(settings, make_client, token_request, client):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": HEADER, "TRUSTED_PROXIES": ["127.0.0.1"]}}
    certificate = issue("batch", issuer=issue("CA", ca=True), dns=["batch.example.com"]).certificate
    registered = make_client("tls_client_auth", profile={"tls_client_auth_san_dns": "batch.example.com"})
    status, tokens, _ = token_request({"grant_type": "client_credentials", "client_id": registered.client_id, "scope": "read"},
                                      **forwarded(certificate))
    assert status == 200, tokens
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/ping/", **bearer, **forwarded(certificate)).status_code == 200
    assert client.get("/api/ping/", **bearer).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_client_helper_answers_a_challenge_by_itself(live_server, make_client, make_attester, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ATTESTATION": {"REQUIRE_CHALLENGE": True}}
    _, instance = attested_instance(make_client, make_attester, "attest_jwt_client_auth")
    auth = AttestationAuth(instance)
    response = requests.post(f"{live_server.url}/o/token/", data={"grant_type": "client_credentials"}, auth=auth, timeout=30)
    assert response.status_code == 200, response.text  # after one use_attestation_challenge round trip
    instance.challenge = requests.post(f"{live_server.url}/o/challenge/", timeout=30).json()["attestation_challenge"]
    response = requests.post(f"{live_server.url}/o/token/", data={"grant_type": "client_credentials"}, auth=auth, timeout=30)
    assert response.status_code == 200, response.text
