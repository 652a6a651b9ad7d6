"""Property tests: a valid client assertion, DPoP proof or software statement,
broken in any way, is refused with the OAuth error its endpoint names, never an
exception (the test client re-raises any server error)."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oauth_ext.client_sdk import ASSERTION_TYPE
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.dpop.errors import InvalidDPoPProof
from oauth_ext.dpop.proofs import verify

from ..conftest import ISSUER
from .strategies import JSON, REMOVED, b64, byte_mutations, deeply_nested, jws, non_numbers_or, not_in, removed, same_token

PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TOKEN_URL = f"{ISSUER}/o/token/"
HOUR = 3600
# Fixed for the session: strategies must not change between a run and its replay.
NOW = int(time.time())
PAST = st.integers(-2**40, NOW - 2 * HOUR)
FUTURE = st.integers(NOW + 2 * HOUR, 2**40)


def claim_mutations(valid: dict, invalid: dict) -> st.SearchStrategy:
    """``valid`` claims with one claim given a value from ``invalid`` (or removed)."""
    def apply(name_value):
        name, value = name_value
        claims = dict(valid)
        if value is REMOVED:
            claims.pop(name, None)
        else:
            claims[name] = value
        return claims

    return st.one_of(*[(strategy.map(lambda v, n=name: (n, v))) for name, strategy in invalid.items()]).map(apply)


def header_attacks(valid_header: dict, key_jwk: dict) -> st.SearchStrategy:
    """Headers that must not verify: no signature, a shared-secret alg, a key of the
    attacker's choosing in the header, or a type meant for another JWT."""
    attacker = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    return st.sampled_from([
        ({**valid_header, "alg": "none"}, None),
        ({**valid_header, "alg": "HS256"}, jose.public_jwk(key_jwk)["x"].encode()),
        ({**valid_header, "jwk": jose.public_jwk(attacker)}, jose.load_private_jwk(attacker)),
        ({**valid_header, "kid": "attacker", "jwk": jose.public_jwk(attacker)}, jose.load_private_jwk(attacker)),
        ({**valid_header, "typ": "at+jwt"}, "own"),
        ({**valid_header, "alg": "ES256K"}, None),
        ({**valid_header, "alg": ["ES256"]}, None),
    ])


# Client assertions (private_key_jwt) at the token endpoint.

@pytest.fixture
def assertion_client(make_client):
    return make_client("private_key_jwt")


def assert_refused(token_request, registered, assertion):
    status, body, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                     "client_assertion": assertion})
    assert (status, body.get("error")) in {(401, "invalid_client"), (400, "invalid_request")}, (status, body, assertion)


@PROPERTY
@given(data=st.data())
def test_damaged_assertions_are_refused(assertion_client, token_request, data):
    valid = assertion_client.assertion()
    mutated = data.draw(byte_mutations(valid))
    assume(not same_token(valid, mutated))
    assert_refused(token_request, assertion_client, mutated)


@PROPERTY
@given(data=st.data())
def test_resigned_assertions_with_bad_claims_are_refused(assertion_client, token_request, data):
    cid = assertion_client.client_id
    claims = data.draw(claim_mutations(assertion_client.claims(), {
        "iss": not_in(cid) | removed, "sub": not_in(cid) | removed, "aud": not_in(ISSUER, TOKEN_URL) | removed,
        "exp": non_numbers_or(PAST) | removed,
        "iat": non_numbers_or(FUTURE),
        "nbf": non_numbers_or(FUTURE),
        "jti": JSON.filter(lambda v: not isinstance(v, str)) | st.just("") | st.just("j" * 300) | removed,
    }))
    header = {"alg": "ES256", "kid": assertion_client.private_jwk["kid"], "typ": "client-authentication+jwt"}
    assert_refused(token_request, assertion_client, jws(header, claims, jose.load_private_jwk(assertion_client.private_jwk)))


@PROPERTY
@given(data=st.data())
def test_assertions_with_hostile_headers_or_payloads_are_refused(assertion_client, token_request, data):
    private = assertion_client.private_jwk
    header = {"alg": "ES256", "kid": private["kid"], "typ": "client-authentication+jwt"}
    attack, key = data.draw(header_attacks(header, private))
    payload = data.draw(st.one_of(st.just(assertion_client.claims()), JSON.filter(lambda v: not isinstance(v, dict))))
    signing_key = jose.load_private_jwk(private) if key == "own" else key
    if key == "own" and isinstance(payload, dict):
        attack = {**attack, "typ": data.draw(st.sampled_from(["dpop+jwt", "at+jwt", "secevent+jwt", 7, ["JWT"]]))}
    assert_refused(token_request, assertion_client, jws(attack, payload, signing_key))


# DPoP proofs, checked as the token endpoint checks them.

DPOP_KEY = DPoPKey.generate()


def refused_proof(proof: str) -> None:
    with pytest.raises(InvalidDPoPProof) as refused:
        verify(proof, method="POST", url=TOKEN_URL)
    assert refused.value.as_dict()["error"] == "invalid_dpop_proof"


@PROPERTY
@given(data=st.data())
def test_damaged_dpop_proofs_are_refused(db, data):
    valid = DPOP_KEY.proof("POST", TOKEN_URL)
    mutated = data.draw(byte_mutations(valid))
    assume(not same_token(valid, mutated))
    refused_proof(mutated)


@PROPERTY
@given(data=st.data())
def test_resigned_dpop_proofs_with_bad_claims_are_refused(db, data):
    valid = jwt.decode(DPOP_KEY.proof("POST", TOKEN_URL), options={"verify_signature": False})
    claims = data.draw(claim_mutations(valid, {
        "htm": not_in("POST") | removed,
        "htu": JSON.filter(lambda v: not isinstance(v, str) or "://" not in v) | st.sampled_from(
            ["https://as.example.com/o/par/", "https://evil.example/o/token/", "http://as.example.com/o/token/"]) | removed,
        "iat": non_numbers_or(PAST | FUTURE) | removed,
        "jti": JSON.filter(lambda v: not isinstance(v, str)) | st.just("") | removed,
    }))
    header = {"typ": "dpop+jwt", "alg": DPOP_KEY.alg, "jwk": DPOP_KEY.public_jwk}
    refused_proof(jws(header, claims, DPOP_KEY.key))


@PROPERTY
@given(data=st.data())
def test_dpop_proofs_with_hostile_headers_are_refused(db, data):
    header = {"typ": "dpop+jwt", "alg": DPOP_KEY.alg, "jwk": DPOP_KEY.public_jwk}
    attack = data.draw(st.sampled_from([
        ({**header, "alg": "none"}, None),
        ({**header, "alg": "HS256"}, b"secret"),
        ({**header, "jwk": DPOP_KEY.private_jwk}, DPOP_KEY.key),  # a private key in the header
        ({**header, "jwk": DPoPKey.generate().public_jwk}, DPOP_KEY.key),  # not the signing key
        ({k: v for k, v in header.items() if k != "jwk"}, DPOP_KEY.key),
        ({**header, "typ": "JWT"}, DPOP_KEY.key),
        ({**header, "jwk": "not a key"}, DPOP_KEY.key),
    ]))
    payload = data.draw(st.one_of(st.just(jwt.decode(DPOP_KEY.proof("POST", TOKEN_URL), options={"verify_signature": False})),
                                  JSON.filter(lambda v: not isinstance(v, dict))))
    refused_proof(jws(attack[0], payload, attack[1]))


# Software statements at the registration endpoint.

STATEMENT_ERRORS = {"invalid_software_statement", "unapproved_software_statement"}


def assert_statement_refused(register, statement):
    status, body = register({"software_statement": statement, "device_label": "x",
                             "jwks": {"keys": [jose.public_jwk(DPOP_KEY.private_jwk)]}})
    assert status == 400 and body.get("error") in STATEMENT_ERRORS, (status, body, statement)


@PROPERTY
@given(data=st.data())
def test_damaged_statements_are_refused(vendor, register, data):
    valid = vendor.statement()
    mutated = data.draw(byte_mutations(valid))
    assume(not same_token(valid, mutated))
    assert_statement_refused(register, mutated)


@PROPERTY
@given(data=st.data())
def test_resigned_statements_with_bad_claims_are_refused(vendor, register, data):
    valid = jwt.decode(vendor.statement(), options={"verify_signature": False})
    claims = data.draw(claim_mutations(valid, {
        "iss": not_in(vendor.issuer) | removed,
        "software_id": not_in("mail-app") | removed,
        "exp": non_numbers_or(PAST),
        "iat": non_numbers_or(FUTURE),
    }))
    header = {"alg": "ES256", "kid": vendor.private_jwk["kid"]}
    assert_statement_refused(register, jws(header, claims, jose.load_private_jwk(vendor.private_jwk)))


@PROPERTY
@given(data=st.data())
def test_statements_with_hostile_headers_are_refused(vendor, register, data):
    header = {"alg": "ES256", "kid": vendor.private_jwk["kid"]}
    attack, key = data.draw(header_attacks(header, vendor.private_jwk))
    assume(key != "own")  # a statement's typ is not constrained
    payload = data.draw(st.one_of(st.just(jwt.decode(vendor.statement(), options={"verify_signature": False})),
                                  JSON.filter(lambda v: not isinstance(v, dict))))
    assert_statement_refused(register, jws(attack, payload, key))


# Nesting depth: JSON from outside nested past any parser's limit, at every place it enters.

NESTED_PLACES = ["assertion header", "assertion payload", "dpop header", "dpop payload", "statement payload",
                 "registration body", "authorization_details"]


@PROPERTY
@given(data=st.data())
def test_deeply_nested_json_is_refused_where_it_enters(assertion_client, token_request, register, data):
    nested, place = data.draw(deeply_nested()), data.draw(st.sampled_from(NESTED_PLACES))
    form = {"grant_type": "client_credentials"}
    if place.startswith("assertion"):
        head = nested if place.endswith("header") else '{"alg": "ES256"}'
        body = nested if place.endswith("payload") else json.dumps(assertion_client.claims())
        assert_refused(token_request, assertion_client, f"{b64(head.encode())}.{b64(body.encode())}.c2ln")
    elif place.startswith("dpop"):
        head = nested if place.endswith("header") else json.dumps({"typ": "dpop+jwt", "alg": "ES256", "jwk": DPOP_KEY.public_jwk})
        body = nested if place.endswith("payload") else "{}"
        refused_proof(f"{b64(head.encode())}.{b64(body.encode())}.c2ln")
    elif place == "statement payload":
        head = json.dumps({"alg": "ES256", "kid": "k"})
        assert_statement_refused(register, f"{b64(head.encode())}.{b64(nested.encode())}.c2ln")
    elif place == "registration body":
        status, body = register(nested)
        assert (status, body.get("error")) == (400, "invalid_client_metadata"), (status, body)
    else:
        status, body, _ = token_request({**form, "authorization_details": nested, **assertion_client.form()})
        assert (status, body.get("error")) == (400, "invalid_authorization_details"), (status, body)
