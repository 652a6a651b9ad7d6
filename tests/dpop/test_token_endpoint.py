"""DPoP at the token endpoint: binding, nonces, codes and refresh tokens (RFC 9449 §5, §8, §10)."""

from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import requests
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_ext.client_sdk.dpop import DPoPKey

from ..conftest import basic_auth

TOKEN_HTU = "https://as.example.com/o/token/"
Application = get_application_model()


def dpop(key: DPoPKey, **claims) -> dict:
    return {"HTTP_DPOP": key.proof("POST", TOKEN_HTU, **claims)}


def test_client_credentials_bound_to_the_proof_key(make_client, token_request, client):
    registered, key = make_client(), DPoPKey.generate()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()}, **dpop(key))
    assert status == 200, body
    assert body["token_type"] == "DPoP"
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"] == {"jkt": key.jkt}
    rs = make_client(None, hash_client_secret=False)
    introspection = client.post("/o/introspect/", {"token": body["access_token"]}, **basic_auth(rs.client_id, rs.secret)).json()
    assert introspection["active"] is True
    assert introspection["token_type"] == "DPoP"  # RFC 9449 §6.2
    assert introspection["cnf"] == {"jkt": key.jkt}


def test_without_a_proof_tokens_stay_bearer(make_client, token_request, client):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200 and body["token_type"] == "Bearer"
    assert "cnf" not in jwt.decode(body["access_token"], options={"verify_signature": False})


def test_bad_proof_is_invalid_dpop_proof_and_issues_nothing(make_client, token_request):
    registered, key = make_client(), DPoPKey.generate()
    before = get_access_token_model().objects.count()
    for bad in (
        {"HTTP_DPOP": key.proof("GET", TOKEN_HTU)},
        {"HTTP_DPOP": key.proof("POST", "https://as.example.com/o/introspect/")},
        {"HTTP_DPOP": "garbage"},
        {"HTTP_DPOP": f"{key.proof('POST', TOKEN_HTU)},{key.proof('POST', TOKEN_HTU)}"},
    ):
        status, body, response = token_request({"grant_type": "client_credentials", **registered.form()}, **bad)
        assert (status, body["error"]) == (400, "invalid_dpop_proof"), body
        assert response["Cache-Control"] == "no-store"
    assert get_access_token_model().objects.count() == before


def test_replayed_proof(make_client, token_request):
    registered, key = make_client(), DPoPKey.generate()
    header = dpop(key)
    assert token_request({"grant_type": "client_credentials", **registered.form()}, **header)[0] == 200
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()}, **header)
    assert (status, body["error"]) == (400, "invalid_dpop_proof")


def test_client_registered_for_dpop_must_use_it(make_client, token_request):
    registered = make_client()
    profile = registered.app.oauth_ext_profile
    profile.dpop_bound_access_tokens = True
    profile.save()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert (status, body["error"]) == (400, "invalid_dpop_proof")
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()}, **dpop(DPoPKey.generate()))
    assert status == 200 and body["token_type"] == "DPoP"


def test_nonce_round_trip(make_client, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"REQUIRE_NONCE": True}}
    registered, key = make_client(), DPoPKey.generate()
    status, body, response = token_request({"grant_type": "client_credentials", **registered.form()}, **dpop(key))
    assert (status, body["error"]) == (400, "use_dpop_nonce")
    nonce = response["DPoP-Nonce"]
    status, body, response = token_request({"grant_type": "client_credentials", **registered.form()}, **dpop(key, nonce=nonce))
    assert status == 200, body
    assert response["DPoP-Nonce"]  # §8.2: a fresh nonce for the next request
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()}, **dpop(key, nonce="made-up"))
    assert (status, body["error"]) == (400, "use_dpop_nonce")


def test_metadata_lists_dpop_algorithms(client, db):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert "ES256" in document["dpop_signing_alg_values_supported"]
    assert "HS256" not in document["dpop_signing_alg_values_supported"]


@pytest.fixture
def public_client(make_client):
    return make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)


def test_public_client_flow_with_dpop_jkt_and_bound_refresh(public_client, token_request, authorize, django_user_model):
    user = django_user_model.objects.create_user("dana", password="pw")
    key, thief = DPoPKey.generate(), DPoPKey.generate()
    exchange = authorize(public_client, user, dpop_jkt=key.jkt)

    status, body, _ = token_request(exchange, **dpop(thief))  # §10: another key cannot redeem the code
    assert (status, body["error"]) == (400, "invalid_grant")
    exchange = authorize(public_client, user, dpop_jkt=key.jkt)
    status, body, _ = token_request(exchange)
    assert (status, body["error"]) == (400, "invalid_grant")
    exchange = authorize(public_client, user, dpop_jkt=key.jkt)
    status, tokens, _ = token_request(exchange, **dpop(key))
    assert status == 200 and tokens["token_type"] == "DPoP", tokens

    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": public_client.client_id}
    status, body, _ = token_request(refresh, **dpop(thief))  # §5: the refresh token is bound too
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body, _ = token_request(refresh)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, refreshed, _ = token_request(refresh, **dpop(key))
    assert status == 200, refreshed
    assert jwt.decode(refreshed["access_token"], options={"verify_signature": False})["cnf"]["jkt"] == key.jkt
    # The rotated refresh token keeps the binding.
    status, body, _ = token_request({**refresh, "refresh_token": refreshed["refresh_token"]}, **dpop(thief))
    assert (status, body["error"]) == (400, "invalid_grant")


def test_confidential_refresh_tokens_are_not_key_bound(make_client, token_request, authorize, django_user_model):
    """§5: confidential clients authenticate, so they may rotate DPoP keys."""
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    user = django_user_model.objects.create_user("erin", password="pw")
    exchange = authorize(registered, user)
    del exchange["client_id"]
    status, tokens, _ = token_request({**exchange, **registered.form()}, **dpop(DPoPKey.generate()))
    assert status == 200, tokens
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **registered.form()}
    status, body, _ = token_request(refresh, **dpop(DPoPKey.generate()))
    assert status == 200 and body["token_type"] == "DPoP", body


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_one_proof(live_server, make_client):
    key = DPoPKey.generate()
    proof = key.proof("POST", TOKEN_HTU)
    registered = make_client()

    def submit(_):
        return requests.post(f"{live_server.url}/o/token/", data={"grant_type": "client_credentials", **registered.form()},
                             headers={"DPoP": proof}, timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(submit, range(20)))
    assert sorted(r.status_code for r in responses) == [200] + [400] * 19
    assert {r.json()["error"] for r in responses if r.status_code == 400} == {"invalid_dpop_proof"}
