"""Attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth-11)
at the token endpoint and at PAR: the draft's PoP example, whole flows in both modes, and
every bad input with the answer it gets."""

from __future__ import annotations

import threading
import time

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.attestation import challenges, services
from oauth_ext.attestation.errors import InvalidClientAttestation, UseAttestationChallenge
from oauth_ext.client_sdk.attestation import ClientAttestation
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.tokens.claims import jwt_claims

from ..conftest import ISSUER

Application = get_application_model()
TOKEN_URL = "https://as.example.com/o/token/"
PAR_URL = "https://as.example.com/o/par/"

# -11 §4 and §5.1, verbatim (line breaks removed): the attestation and its PoP for the AS.
DRAFT_ATTESTATION = (
    "eyJ0eXAiOiJvYXV0aC1jbGllbnQtYXR0ZXN0YXRpb24rand0IiwiYWxnIjoiRVMyNTYiLCJraWQiOiIxMSJ9.eyJzdWIiOiJodHRwczovL2NsaWV"
    "udC5leGFtcGxlLmNvbSIsImlhdCI6MTc3MjQ4NzU5NSwiZXhwIjoyNTI5ODY2Mzk0LCJjbmYiOnsiandrIjp7Imt0eSI6IkVDIiwidXNlIjoic2lnIiwiY3J2IjoiUC0yNTYiLCJ4I"
    "joiVmNLVk5CWjRJYUJBWVczanhNNHczVEpGVkE3bXllVUdReUd0LWdfeXZwUSIsInkiOiJmLUUtaFlFM1RBV0t3aFZ2OXBlajlOQUJzOVNYOVhzTk84MHg1N2pGVHlVIn19fQ._TS4"
    "d-LAnRlwdN97wiVnl4z7C9gvm45IWr-BvGTzeZaHtZtgNZ88gvzroU3LElUPbgF4kWi_DFORnKzsx5yu6A"
)
DRAFT_POP = (
    "eyJ0eXAiOiJvYXV0aC1jbGllbnQtYXR0ZXN0YXRpb24tcG9wK2p3dCIsImFsZyI6IkVTMjU2In0.eyJhdWQiOiJodHRwczovL2FzLmV4YW1wb"
    "GUuY29tIiwianRpIjoiZDI1ZDAwYWItNTUyYi00NmZjLWFlMTktOThmNDQwZjI1MDY0IiwiaWF0IjoxNzcyNDg3NTk1LCJjaGFsbGVuZ2UiOiI1YzFhOWUxMC0yOWZmLTRjMmItYWU"
    "3My01N2MwOTU3YzA5YzQifQ.M4Uc4rWVAqaLlmDDUXQKkKPbAQKj0JrTizLgWhZndmbkvM3VL8y-w_QJr7Z0HZlH94E64cLa8L5fSjJItYv0jg"
)
# -11 §7.6, the resource-server variant: the same PoP for "aud": "https://rs.example.com".
DRAFT_RS_POP_SIGNATURE = "Uh-vRynTGGARZNqijGyovBMm_EsX5qu0fg0VGPVRsp1rJdF7rElbZcEv0CAtzm5kXhjSXHYGxEVb0I7HIeUFRg"
DRAFT_IAT = 1772487595


def draft_attestation() -> services.Attestation:
    """The draft's attestation as if a trusted attester had signed it (its key, kid 11, is unpublished)."""
    _, claims = services.unverified_claims(DRAFT_ATTESTATION)
    jwk = claims["cnf"]["jwk"]
    return services.Attestation(attester=None, claims=claims, jwk=jwk, jkt=jose.jwk_thumbprint(jwk))


def test_the_drafts_pop_example_is_signed_by_the_attestations_cnf_key():
    attestation = draft_attestation()
    assert attestation.claims["sub"] == "https://client.example.com"
    header, claims = jose.verify_jws(DRAFT_POP, key=jose.load_public_jwk(attestation.jwk), algorithms={"ES256"}, max_bytes=8192)
    assert header == {"typ": "oauth-client-attestation-pop+jwt", "alg": "ES256"}
    assert claims == {"aud": "https://as.example.com", "jti": "d25d00ab-552b-46fc-ae19-98f440f25064", "iat": DRAFT_IAT,
                      "challenge": "5c1a9e10-29ff-4c2b-ae73-57c0957c09c4"}
    other = jose.load_public_jwk(jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256"))))
    with pytest.raises(jose.JOSEError):
        jose.verify_jws(DRAFT_POP, key=other, algorithms={"ES256"}, max_bytes=8192)


def test_the_drafts_pop_passes_every_check_up_to_its_challenge_which_this_server_never_issued():
    """Frozen at the example's iat: signature, typ, aud (= our issuer), jti and iat pass; the
    challenge is another server's, so the answer is use_attestation_challenge with a fresh one."""
    with pytest.raises(UseAttestationChallenge) as caught:
        services.verify_pop(DRAFT_POP, draft_attestation(), client_id="https://client.example.com", now=DRAFT_IAT + 5)
    fresh = caught.value.headers["OAuth-Client-Attestation-Challenge"]
    assert challenges.is_valid(fresh, now=DRAFT_IAT + 5)


def test_the_drafts_resource_server_pop_verifies_but_names_another_audience():
    header, payload, _ = DRAFT_POP.split(".")
    rs_payload = jose.b64url_encode(jose.b64url_decode(payload).replace(b"as.example.com", b"rs.example.com"))
    rs_pop = f"{header}.{rs_payload}.{DRAFT_RS_POP_SIGNATURE}"
    jose.verify_jws(rs_pop, key=jose.load_public_jwk(draft_attestation().jwk), algorithms={"ES256"}, max_bytes=8192)
    with pytest.raises(InvalidClientAttestation, match="aud"):
        services.verify_pop(rs_pop, draft_attestation(), client_id="https://client.example.com", now=DRAFT_IAT + 5)


@pytest.fixture
def attested(make_client, make_attester):
    """Factory: a client registered for an attestation method, its attester and an instance."""

    def make(method: str = "attest_jwt_client_auth", **client: str):
        registered = make_client(method, **client)
        attester = make_attester(client_ids=[registered.client_id])
        key = DPoPKey.generate()
        instance = ClientAttestation(attester.attestation(registered.client_id, key.public_jwk), key, audience=ISSUER)
        return registered, attester, instance

    return make


def headers(instance: ClientAttestation, **extra: str) -> dict[str, str]:
    sent = instance.headers()
    return {"HTTP_OAUTH_CLIENT_ATTESTATION": sent["OAuth-Client-Attestation"],
            "HTTP_OAUTH_CLIENT_ATTESTATION_POP": sent["OAuth-Client-Attestation-PoP"], **extra}


def combined(instance: ClientAttestation, url: str = TOKEN_URL, **extra: str) -> dict[str, str]:
    sent = instance.combined_headers("POST", url)
    return {"HTTP_OAUTH_CLIENT_ATTESTATION": sent["OAuth-Client-Attestation"], "HTTP_DPOP": sent["DPoP"], **extra}


CC = {"grant_type": "client_credentials"}


def test_an_attested_instance_gets_a_token_and_the_token_says_how(attested, token_request):
    registered, _, instance = attested()
    status, body, _ = token_request(CC, **headers(instance))
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    claims = jwt_claims(body["access_token"])
    assert claims["client_id"] == registered.client_id
    assert claims["cmr"] == "attest_jwt_client_auth"
    assert "attestation" in claims["cxt"]


def test_combined_mode_binds_the_token_to_the_instance_key(attested, token_request):
    _, _, instance = attested("attest_jwt_client_auth_dpop")
    status, body, _ = token_request(CC, **combined(instance))
    assert status == 200, body
    assert body["token_type"] == "DPoP"
    claims = jwt_claims(body["access_token"])
    assert claims["cnf"] == {"jkt": instance.key.jkt}
    assert claims["cmr"] == "attest_jwt_client_auth_dpop"


def test_combined_mode_with_another_key_is_refused(attested, token_request):
    _, _, instance = attested("attest_jwt_client_auth_dpop")
    proof = DPoPKey.generate().proof("POST", TOKEN_URL)
    status, body, _ = token_request(CC, **combined(instance, HTTP_DPOP=proof))
    assert (status, body["error"]) == (401, "invalid_client_attestation")


def test_combined_mode_answers_use_dpop_nonce_when_nonces_are_required(attested, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"REQUIRE_NONCE": True}}
    _, _, instance = attested("attest_jwt_client_auth_dpop")
    status, body, response = token_request(CC, **combined(instance))
    assert (status, body["error"]) == (400, "use_dpop_nonce")
    sent = instance.combined_headers("POST", TOKEN_URL, nonce=response["DPoP-Nonce"])
    status, body, _ = token_request(CC, HTTP_OAUTH_CLIENT_ATTESTATION=sent["OAuth-Client-Attestation"], HTTP_DPOP=sent["DPoP"])
    assert status == 200, body


@pytest.mark.parametrize("method", ["attest_jwt_client_auth", "attest_jwt_client_auth_dpop"])
def test_an_attestation_without_any_proof_of_possession_is_refused(attested, token_request, method):
    _, _, instance = attested(method)
    status, body, _ = token_request(CC, HTTP_OAUTH_CLIENT_ATTESTATION=instance.attestation)
    assert (status, body["error"]) == (401, "invalid_client_attestation")


def test_the_mode_is_the_registered_one(attested, token_request):
    _, _, normal = attested("attest_jwt_client_auth")
    assert token_request(CC, **combined(normal))[1]["error"] == "invalid_client_attestation"
    _, _, dpop = attested("attest_jwt_client_auth_dpop")
    assert token_request(CC, **headers(dpop))[1]["error"] == "invalid_client_attestation"


def test_refresh_tokens_are_bound_to_the_attested_instance_key(attested, authorize, token_request, django_user_model, make_attester):
    registered, attester, instance = attested(grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("alice", password="pw")
    status, body, _ = token_request(authorize(registered, user), **headers(instance))
    assert status == 200, body
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    status, body, _ = token_request(refresh, **headers(instance))
    assert status == 200, body
    # Another instance of the same client, attested by the same attester: not its refresh token.
    other_key = DPoPKey.generate()
    other = ClientAttestation(attester.attestation(registered.client_id, other_key.public_jwk), other_key, audience=ISSUER)
    status, body, _ = token_request({**refresh, "refresh_token": body["refresh_token"]}, **headers(other))
    assert (status, body["error"]) == (400, "invalid_grant")


def par_request(registered, **extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": registered.client_id, "redirect_uri": "https://client.example.org/cb",
            "scope": "read", "code_challenge": "K2-ltc83acc4h0c9w6ESC_rEMTJ3bww-uCHaoeK1t8U", "code_challenge_method": "S256", **extra}


def test_attested_instances_push_authorization_requests_in_both_modes(attested, client):
    registered, _, instance = attested(grant=Application.GRANT_AUTHORIZATION_CODE)
    response = client.post("/o/par/", par_request(registered), **headers(instance))
    assert response.status_code == 201, response.content
    registered, _, instance = attested("attest_jwt_client_auth_dpop", grant=Application.GRANT_AUTHORIZATION_CODE)
    response = client.post("/o/par/", par_request(registered), **combined(instance, PAR_URL))
    assert response.status_code == 201, response.content
    response = client.post("/o/par/", par_request(registered), **combined(instance, PAR_URL, HTTP_DPOP=DPoPKey.generate().proof("POST", PAR_URL)))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client_attestation")


# Bad inputs: each with the answer the client gets.

def test_an_expired_attestation_asks_for_a_fresh_one(attested, token_request):
    registered, attester, instance = attested()
    instance.attestation = attester.attestation(registered.client_id, instance.key.public_jwk, exp=int(time.time()) - 120)
    status, body, _ = token_request(CC, **headers(instance))
    assert (status, body["error"]) == (400, "use_fresh_attestation")


def test_an_attestation_older_than_the_policy_asks_for_a_fresh_one(attested, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ATTESTATION": {"MAX_AGE": 600}}
    registered, attester, instance = attested()
    instance.attestation = attester.attestation(registered.client_id, instance.key.public_jwk, iat=int(time.time()) - 3600)
    assert token_request(CC, **headers(instance))[1]["error"] == "use_fresh_attestation"


def test_attesters_not_trusted_for_the_client_are_refused(attested, make_attester, token_request):
    registered, attester, instance = attested()
    stranger = make_attester(client_ids=["another-client"])
    instance.attestation = stranger.attestation(registered.client_id, instance.key.public_jwk, headers={"kid": attester.private_jwk["kid"]})
    assert token_request(CC, **headers(instance))[:2] == (401, {"error": "invalid_client_attestation",
                                                            "error_description": InvalidClientAttestation.description})
    attester.model.enabled = False
    attester.model.save()
    instance.attestation = attester.attestation(registered.client_id, instance.key.public_jwk)
    assert token_request(CC, **headers(instance))[1]["error"] == "invalid_client_attestation"


def test_an_attester_may_vouch_for_a_software_instead_of_a_client(make_client, make_attester, token_request):
    from oauth_ext.client_instances.models import ClientInstance

    registered = make_client("attest_jwt_client_auth")
    ClientInstance.objects.create(application=registered.app, software_id="mail-app")
    attester = make_attester(software_ids=["mail-app"])
    key = DPoPKey.generate()
    instance = ClientAttestation(attester.attestation(registered.client_id, key.public_jwk), key, audience=ISSUER)
    assert token_request(CC, **headers(instance))[0] == 200


def test_attestation_sub_must_be_the_client_id(attested, token_request, make_client):
    registered, attester, instance = attested()
    status, body, _ = token_request({**CC, "client_id": "someone-else"}, **headers(instance))
    assert (status, body["error"]) == (401, "invalid_client_attestation")


@pytest.mark.parametrize("change", [
    {"typ": "JWT"}, {"private_cnf": True}, {"no_cnf": True}, {"header_jwk": True},
])
def test_malformed_attestations_are_refused(attested, token_request, change):
    registered, attester, instance = attested()
    claims, head = {}, {}
    if "typ" in change:
        head["typ"] = change["typ"]
    if change.get("private_cnf"):
        claims["cnf"] = {"jwk": instance.key.private_jwk}
    if change.get("no_cnf"):
        claims["cnf"] = None
    if change.get("header_jwk"):
        head["jwk"] = instance.key.public_jwk
    instance.attestation = attester.attestation(registered.client_id, instance.key.public_jwk, headers=head, **claims)
    assert token_request(CC, **headers(instance))[:2][0] == 401


def test_a_pop_signed_by_another_key_is_refused(attested, token_request):
    _, _, instance = attested()
    forged = ClientAttestation(instance.attestation, DPoPKey.generate(), audience=ISSUER)
    status, body, _ = token_request(CC, **headers(forged))
    assert (status, body["error"]) == (401, "invalid_client_attestation")


@pytest.mark.parametrize("aud", [[ISSUER], "https://other.example.com", TOKEN_URL])
def test_the_pop_audience_is_the_issuer_as_one_string(attested, token_request, aud):
    _, _, instance = attested()
    sent = headers(instance, HTTP_OAUTH_CLIENT_ATTESTATION_POP=instance.pop(aud=aud))
    assert token_request(CC, **sent)[:2][1]["error"] == "invalid_client_attestation"


@pytest.mark.parametrize("claims", [{"iat": int(time.time()) - 3600}, {"iat": int(time.time()) + 3600}, {"jti": ""}])
def test_pop_iat_window_and_jti(attested, token_request, claims):
    _, _, instance = attested()
    sent = headers(instance, HTTP_OAUTH_CLIENT_ATTESTATION_POP=instance.pop(**claims))
    assert token_request(CC, **sent)[1]["error"] == "invalid_client_attestation"


def test_a_replayed_pop_is_refused(attested, token_request):
    _, _, instance = attested()
    sent = headers(instance)
    assert token_request(CC, **sent)[0] == 200
    status, body, _ = token_request(CC, **sent)
    assert (status, body["error"]) == (401, "invalid_client_attestation")


def test_a_pop_replayed_concurrently_is_accepted_once():
    """Eight threads, one PoP: the shared store lets exactly one through."""
    key = DPoPKey.generate()
    attestation = services.Attestation(attester=None, claims={}, jwk=key.public_jwk, jkt=key.jkt)
    pop = ClientAttestation("unused", key, audience=ISSUER).pop()
    results, barrier = [], threading.Barrier(8)

    def race():
        barrier.wait()
        try:
            services.verify_pop(pop, attestation, client_id="c1")
            results.append("ok")
        except InvalidClientAttestation:
            results.append("replay")

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok"] + ["replay"] * 7


def test_two_attestation_headers_are_refused(attested, token_request):
    _, _, instance = attested()
    sent = headers(instance)
    sent["HTTP_OAUTH_CLIENT_ATTESTATION"] += "," + sent["HTTP_OAUTH_CLIENT_ATTESTATION"]
    assert token_request(CC, **sent)[1]["error"] == "invalid_client_attestation"


@pytest.mark.parametrize("name", ["dpop", "attestation", "client_certificate", "_oauth_ext_client_certificate",
                                  "_oauth_ext_assertion", "oauth_ext_context"])
def test_body_parameters_named_like_request_state_change_nothing(make_client, token_request, name):
    """oauthlib answers attribute lookups with body parameters: ours must never read them."""
    registered = make_client()
    status, body, _ = token_request(registered.form(grant_type="client_credentials", **{name: "eyJ.x.y"}))
    assert status == 200, body
    claims = jwt_claims(body["access_token"])
    assert "cnf" not in claims and claims["cxt"] == []


@pytest.mark.parametrize(("attestation", "pop"), [
    ("abc", "abc"), ("a.b.c", "a.b.c"), ("eyJhbGciOiJub25lIn0.e30.", None), (None, "x.y.z"),
])
def test_garbage_attestations_and_pops_get_an_oauth_error(attested, token_request, attestation, pop):
    _, _, instance = attested()
    sent = headers(instance)
    if attestation:
        sent["HTTP_OAUTH_CLIENT_ATTESTATION"] = attestation
    if pop:
        sent["HTTP_OAUTH_CLIENT_ATTESTATION_POP"] = pop
    status, body, _ = token_request(CC, **sent)
    assert (status, body["error"]) == (401, "invalid_client_attestation")
