"""PoP key distribution (draft-ietf-oauth-pop-key-distribution-07) beyond the basics:
``req_cnf`` naming a registered key by ``kid``, ``rs_cnf`` in the token response, and
a resource server's PoP keys in its one ``RESOURCES.KNOWN`` entry."""

import json

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from example_project.settings import MAIL_RESOURCES
from oauth_ext.checks import check_configuration
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.client_sdk.pop import req_cnf
from oauth_ext.clients.services import set_client_keys
from oauth_ext.core import jose
from oauth_ext.pop import KEY_DISTRIBUTION_DRAFT
from oauth_ext.pop.keys import parse_req_cnf

from .test_key_distribution import API, RESOURCE, TOKEN_HTU, signed_get

# draft-07 Figure 6, verbatim: the public key a client puts in req_cnf.
FIGURE_6_JWK = {
    "kty": "EC",
    "use": "sig",
    "crv": "P-256",
    "x": "18wHLeIgW9wVN6VD1Txgpqy2LszYkMf6J8njVAibvhM",
    "y": "-V4dS4UaLMgP_4fY4j8ir7cl1TXlFdAgcx55o7TkcSA",
}


def tokens_of(registered):
    return get_access_token_model().objects.filter(application=registered.app).count()


def rs_key_pair():
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ECDH-ES+A256KW")
    private["use"] = "enc"
    return private, jose.public_jwk(private)


def with_known(settings, entries, **pop):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": entries}, "POP": pop}


def pop_request(registered, **params):
    return {"grant_type": "client_credentials", "scope": "read", "token_type": "pop", **registered.form(), **params}


def test_figure_6_req_cnf_parses_as_the_drafts_key():
    """Figure 5 sends req_cnf base64url-encoded; Figure 6 is its JSON content."""
    encoded = jose.b64url_encode(json.dumps({"jwk": FIGURE_6_JWK}).encode())
    assert parse_req_cnf(encoded) == {"jwk": FIGURE_6_JWK}
    assert parse_req_cnf(json.dumps({"jwk": FIGURE_6_JWK})) == {"jwk": FIGURE_6_JWK}


def test_figure_6_key_without_its_private_half_is_refused(make_client, token_request):
    registered = make_client()
    data = pop_request(registered, req_cnf=jose.b64url_encode(json.dumps({"jwk": FIGURE_6_JWK}).encode()))
    status, body, _ = token_request(data, HTTP_DPOP=DPoPKey.generate().proof("POST", TOKEN_HTU))
    assert (status, body["error"]) == (400, "invalid_request")
    assert tokens_of(registered) == 0


def test_req_cnf_kid_of_the_registered_key_proven_by_the_assertion(make_client, token_request, client):
    registered = make_client()
    status, body, _ = token_request(pop_request(registered, req_cnf=req_cnf(kid=registered.private_jwk["kid"])))
    assert status == 200, body
    assert body["token_type"] == "pop" and "cnf" not in body and "rs_cnf" not in body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["cnf"] == {"jwk": jose.public_jwk(registered.private_jwk)}
    assert signed_get(client, registered.private_jwk, body["access_token"]).status_code == 200
    other = DPoPKey.generate().private_jwk
    refused = signed_get(client, other, body["access_token"])
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith('PoP error="invalid_token"')


def test_req_cnf_thumbprint_names_a_key_registered_without_kid(make_client, token_request):
    registered, second = make_client(), DPoPKey.generate()
    set_client_keys(registered.app, jwks={"keys": [jose.public_jwk(registered.private_jwk), second.public_jwk]})
    status, body, _ = token_request(pop_request(registered, req_cnf=req_cnf(kid=second.jkt)),
                                    HTTP_DPOP=second.proof("POST", TOKEN_HTU))
    assert status == 200, body
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"] == {"jwk": second.public_jwk}


def test_req_cnf_kid_of_another_registered_key_needs_its_proof(make_client, token_request):
    """The assertion proves only the key that signed it; a second registered key is
    proven with a DPoP proof it signs."""
    registered = make_client()
    second = DPoPKey.generate()
    second_public = {**second.public_jwk, "kid": "second", "alg": "ES256"}
    set_client_keys(registered.app, jwks={"keys": [jose.public_jwk(registered.private_jwk), second_public]})
    status, body, _ = token_request(pop_request(registered, req_cnf=req_cnf(kid="second")))
    assert (status, body["error"]) == (400, "invalid_request")
    assert tokens_of(registered) == 0
    status, body, _ = token_request(pop_request(registered, req_cnf=req_cnf(kid="second")),
                                    HTTP_DPOP=second.proof("POST", TOKEN_HTU))
    assert status == 200, body
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["cnf"] == {"jwk": second_public}


@pytest.mark.parametrize("method", ["client_secret_jwt", None])
def test_req_cnf_kid_without_registered_keys(make_client, token_request, method):
    registered = make_client(method)
    form = registered.form() if method else {"client_id": registered.client_id, "client_secret": registered.secret}
    data = {"grant_type": "client_credentials", "token_type": "pop", "req_cnf": req_cnf(kid="k1"), **form}
    status, body, _ = token_request(data)
    assert (status, body["error"]) == (400, "invalid_request")
    assert tokens_of(registered) == 0


def test_req_cnf_unknown_kid(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request(pop_request(registered, req_cnf=req_cnf(kid="nobody")))
    assert (status, body["error"]) == (400, "invalid_request")
    assert tokens_of(registered) == 0


def test_rs_cnf_tells_the_client_the_resource_servers_key(make_client, token_request, settings):
    _, rs_public = rs_key_pair()
    rs_sig = jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    with_known(settings, {RESOURCE: {"name": "API", "pop_encryption_key": rs_public, "rs_cnf": {"jwk": rs_sig}},
                          "https://other.example.com/": {"name": "Other"}})
    key = DPoPKey.generate()

    def asymmetric(**params):
        registered = make_client()
        return token_request(pop_request(registered, req_cnf=req_cnf(key.public_jwk), **params),
                             HTTP_DPOP=key.proof("POST", TOKEN_HTU))[1]

    body = asymmetric(resource=RESOURCE)
    assert body["token_type"] == "pop" and body["rs_cnf"] == {"jwk": rs_sig}
    assert "rs_cnf" not in asymmetric(resource="https://other.example.com/")  # no key configured
    assert "rs_cnf" not in asymmetric()  # not for one resource server
    # RFC 9201 §3.2: MUST NOT be present for a symmetric key.
    symmetric = token_request(pop_request(make_client(), resource=RESOURCE))[1]
    assert symmetric["token_type"] == "pop" and "cnf" in symmetric and "rs_cnf" not in symmetric


def test_symmetric_mode_in_one_setting(make_client, token_request, client, settings):
    """The resource's entry alone makes it known and gives its encryption key."""
    private, public = rs_key_pair()
    with_known(settings, {**MAIL_RESOURCES, RESOURCE: {"name": "API", "pop_encryption_key": public}},
               RS_DECRYPTION_KEYS=[private])
    status, body, _ = token_request(pop_request(make_client(), resource=RESOURCE))
    assert status == 200, body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert set(claims["cnf"]) == {"jwe"} and claims["aud"] == RESOURCE
    assert signed_get(client, body["cnf"]["jwk"], body["access_token"]).status_code == 200
    status, body, _ = token_request(pop_request(make_client(), resource="imap://mail.example.com"))
    assert (status, body["error"]) == (400, "invalid_request")  # known, but no PoP key
    status, body, _ = token_request(pop_request(make_client(), resource="https://unknown.example.com/"))
    assert (status, body["error"]) == (400, "invalid_target")
    assert [m.id for m in check_configuration()] == []


def test_legacy_resource_keys_need_no_second_listing(make_client, token_request, client, settings):
    """POP.RESOURCE_KEYS alone still works where other resources are listed, and a
    warning says where the key belongs."""
    private, public = rs_key_pair()
    with_known(settings, MAIL_RESOURCES, RESOURCE_KEYS={RESOURCE: public}, RS_DECRYPTION_KEYS=[private])
    status, body, _ = token_request(pop_request(make_client(), resource=RESOURCE))
    assert status == 200, body
    assert signed_get(client, body["cnf"]["jwk"], body["access_token"]).status_code == 200
    assert [m.id for m in check_configuration()] == ["oauth_ext.W030"]


@pytest.mark.parametrize("entry", [
    {"pop_encryption_key": {"kty": "oct", "k": "c2VjcmV0"}},
    {"pop_encryption_key": jose.private_key_to_jwk(jose.generate_private_key("ES256"))},
    {"rs_cnf": {"jwk": {"kty": "EC"}}},
    {"rs_cnf": {"kid": ""}},
    {"rs_cnf": "key"},
])
def test_bad_resource_pop_keys_are_reported(settings, entry):
    with_known(settings, {RESOURCE: {"name": "API", **entry}})
    assert [m.id for m in check_configuration()] == ["oauth_ext.E030"]


def test_the_draft_revision_is_recorded():
    from pathlib import Path

    assert KEY_DISTRIBUTION_DRAFT == "draft-ietf-oauth-pop-key-distribution-07"
    assert KEY_DISTRIBUTION_DRAFT in (Path(__file__).parents[2] / "docs" / "architecture.md").read_text()
    assert API.endswith("/api/me/")


DRAFT_RESOURCE = "https://resource.example.com"  # draft-07 §4.1.1


@pytest.fixture
def code_client(make_client):
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    return make_client(grant=Application.GRANT_AUTHORIZATION_CODE)


def test_symmetric_code_exchange_as_in_section_4_1(code_client, authorize, token_request, django_user_model, client,
                                                   settings):
    """§4.1.1: the code is exchanged for a token for https://resource.example.com;
    §4.1.2: the response's cnf holds the key, the token's cnf its JWE (Figures 2 to 4)."""
    private, public = rs_key_pair()
    with_known(settings, {DRAFT_RESOURCE: {"name": "Calendar and contacts", "pop_encryption_key": public}},
               RS_DECRYPTION_KEYS=[private])
    user = django_user_model.objects.create_user("sym", password="pw")
    exchange = authorize(code_client, user, resource=DRAFT_RESOURCE)
    del exchange["client_id"]
    status, body, _ = token_request({**exchange, "token_type": "pop", "resource": DRAFT_RESOURCE, **code_client.form()})
    assert status == 200, body
    assert body["token_type"] == "pop" and body["cnf"]["jwk"]["kty"] == "oct" and "rs_cnf" not in body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert set(claims["cnf"]) == {"jwe"} and claims["aud"] == DRAFT_RESOURCE


def test_asymmetric_code_exchange_as_in_section_4_2(code_client, authorize, token_request, django_user_model, settings):
    """§4.2.1 (Figure 5): token_type=pop and req_cnf at the code exchange; §4.2.2: no key
    in the response, the client's public key in the token (Figure 8); rs_cnf for the RS."""
    rs_sig = jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    with_known(settings, {DRAFT_RESOURCE: {"name": "Calendar and contacts", "rs_cnf": {"jwk": rs_sig}}})
    user = django_user_model.objects.create_user("asym", password="pw")
    key = DPoPKey.generate()
    exchange = authorize(code_client, user, resource=DRAFT_RESOURCE)
    del exchange["client_id"]
    status, body, _ = token_request({**exchange, "token_type": "pop", "req_cnf": req_cnf(key.public_jwk),
                                     **code_client.form()}, HTTP_DPOP=key.proof("POST", TOKEN_HTU))
    assert status == 200, body
    assert body["token_type"] == "pop" and "cnf" not in body and body["rs_cnf"] == {"jwk": rs_sig}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["cnf"] == {"jwk": key.public_jwk} and claims["aud"] == DRAFT_RESOURCE
