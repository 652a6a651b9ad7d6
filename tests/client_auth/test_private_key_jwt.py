"""private_key_jwt at the token endpoint: the happy path and every refusal."""

import hashlib
import hmac
import json
import time

import pytest

from oauth_ext.core import jose

from ..conftest import ISSUER

NOW = int(time.time())


def test_client_credentials_with_private_key_jwt(make_client, token_request):
    client = make_client()
    status, body, response = token_request({"grant_type": "client_credentials", "scope": "read", **client.form()})
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    assert response["Cache-Control"] == "no-store"
    header = jose.unverified_header(body["access_token"], max_bytes=8192)
    assert header["typ"] == "at+jwt"


def test_assertion_without_iat_is_accepted(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(iat=None))})
    assert status == 200, body


@pytest.mark.parametrize("alg", ["ES384", "PS256", "RS256", "EdDSA"])
def test_other_key_types(make_client, token_request, alg):
    client = make_client(alg=alg)
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()})
    assert status == 200, body


def _expect_invalid_client(token_request, data):
    status, body, response = token_request({"grant_type": "client_credentials", **data})
    assert (status, body.get("error")) == (401, "invalid_client"), body
    assert "access_token" not in body
    return body


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": NOW - 120}, id="expired"),
        pytest.param({"nbf": NOW + 600}, id="not-yet-valid-nbf"),
        pytest.param({"iat": NOW + 600, "exp": NOW + 660}, id="issued-in-future"),
        pytest.param({"exp": NOW + 3600}, id="too-long-lived"),
        pytest.param({"exp": None}, id="no-exp"),
        pytest.param({"jti": None}, id="no-jti"),
        pytest.param({"aud": "https://evil.example.com"}, id="wrong-aud"),
        pytest.param({"aud": [ISSUER]}, id="array-aud"),
        pytest.param({"aud": [ISSUER, "https://other.example.com"]}, id="multi-aud"),
        pytest.param({"iss": "someone-else"}, id="iss-not-sub"),
    ],
)
def test_bad_claims_are_invalid_client(make_client, token_request, claims):
    client = make_client()
    _expect_invalid_client(token_request, client.form(client.assertion(**claims)))


def test_token_endpoint_audience_accepted_and_switchable(make_client, token_request, settings):
    client = make_client()
    aud = "https://as.example.com/o/token/"
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(aud=aud))})
    assert status == 200, body
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_AUTH": {"ACCEPT_TOKEN_ENDPOINT_AUDIENCE": False}}
    _expect_invalid_client(token_request, client.form(client.assertion(aud=aud)))


def test_unknown_client(make_client, token_request):
    client = make_client()
    assertion = client.assertion(iss="nobody", sub="nobody")
    _expect_invalid_client(token_request, client.form(assertion))


def test_replayed_jti(make_client, token_request):
    client = make_client()
    assertion = client.assertion()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    assert status == 200, body
    _expect_invalid_client(token_request, client.form(assertion))


def test_alg_none(make_client, token_request):
    client = make_client()
    header = jose.b64url_encode(json.dumps({"alg": "none", "kid": client.private_jwk["kid"]}).encode())
    payload = jose.b64url_encode(json.dumps(client.claims()).encode())
    _expect_invalid_client(token_request, client.form(f"{header}.{payload}."))


def test_hs256_keyed_with_the_clients_public_key(make_client, token_request):
    """The classic key-confusion forgery: HMAC over the public key's text."""
    client = make_client(alg="RS256")
    public_jwk = jose.public_jwk(client.private_jwk)
    for secret in (json.dumps(public_jwk).encode(), public_jwk["n"].encode()):
        signing_input = ".".join(
            jose.b64url_encode(json.dumps(part).encode())
            for part in ({"alg": "HS256", "kid": client.private_jwk["kid"]}, client.claims())
        )
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        _expect_invalid_client(token_request, client.form(f"{signing_input}.{jose.b64url_encode(mac)}"))


def test_unknown_kid(make_client, token_request):
    client = make_client()
    _expect_invalid_client(token_request, client.form(client.assertion(headers={"kid": "no-such-key"})))


def test_key_supplied_in_header_is_not_trusted(make_client, token_request):
    client = make_client()
    attacker = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    forged = client.assertion(key=jose.load_private_jwk(attacker), headers={"jwk": jose.public_jwk(attacker)})
    _expect_invalid_client(token_request, client.form(forged))
    forged = client.assertion(key=jose.load_private_jwk(attacker), headers={"jwk": None})
    _expect_invalid_client(token_request, client.form(forged))


def test_signed_by_another_key(make_client, token_request):
    client = make_client()
    other = jose.generate_private_key("ES256")
    _expect_invalid_client(token_request, client.form(client.assertion(key=other)))


def test_registered_signing_alg_is_enforced(make_client, token_request):
    client = make_client(alg="RS256", signing_alg="PS256")
    profile = client.app.oauth_ext_profile
    profile.jwks = {"keys": [{k: v for k, v in key.items() if k != "alg"} for key in profile.jwks["keys"]]}
    profile.save()
    _expect_invalid_client(token_request, client.form(client.assertion()))
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(alg="PS256"))})
    assert status == 200, body


def test_foreign_explicit_typ_is_refused(make_client, token_request):
    client = make_client()
    _expect_invalid_client(token_request, client.form(client.assertion(headers={"typ": "dpop+jwt"})))


def test_untyped_assertion_is_accepted(make_client, token_request):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(headers={"typ": None}))})
    assert status == 200, body


def test_client_id_parameter_must_match(make_client, token_request):
    client = make_client()
    _expect_invalid_client(token_request, client.form(client_id="another-client"))
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client_id=client.client_id)})
    assert status == 200, body


@pytest.mark.parametrize(
    "assertion",
    [
        pytest.param("not-a-jwt", id="one-segment"),
        pytest.param("a.b", id="two-segments"),
        pytest.param("!!!.???.###", id="not-base64url"),
        pytest.param(jose.b64url_encode(b"[1]") + ".e30.", id="header-not-object"),
        pytest.param("x" * 9000 + ".e30.sig", id="oversized"),
    ],
)
def test_malformed_assertion_is_invalid_request(make_client, token_request, assertion):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(assertion)})
    assert (status, body.get("error")) == (400, "invalid_request"), body


def test_wrong_assertion_type(make_client, token_request):
    client = make_client()
    form = client.form(client_assertion_type="urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
    status, body, _ = token_request({"grant_type": "client_credentials", **form})
    assert (status, body["error"]) == (400, "invalid_request")


def test_missing_assertion(make_client, token_request):
    client = make_client()
    form = client.form()
    del form["client_assertion"]
    status, body, _ = token_request({"grant_type": "client_credentials", **form})
    assert (status, body["error"]) == (400, "invalid_request")


def test_assertion_repeated(make_client, client):
    registered = make_client()
    body = "&".join([
        "grant_type=client_credentials",
        "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer",
        f"client_assertion={registered.assertion()}",
        f"client_assertion={registered.assertion()}",
    ])
    response = client.post("/o/token/", data=body, content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_no_row_is_written_on_failure(make_client, token_request):
    from oauth2_provider.models import get_access_token_model

    client = make_client()
    before = get_access_token_model().objects.count()
    _expect_invalid_client(token_request, client.form(client.assertion(aud="https://evil.example.com")))
    assert get_access_token_model().objects.count() == before


def test_failure_reason_is_logged_not_returned(make_client, token_request, caplog):
    client = make_client()
    with caplog.at_level("INFO", logger="oauth_ext"):
        body = _expect_invalid_client(token_request, client.form(client.assertion(aud="https://evil.example.com")))
    assert "evil" not in json.dumps(body)
    assert any("evil.example.com" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("headers", "claims"),
    [
        pytest.param({"typ": ["JWT"]}, {}, id="typ-array"),
        pytest.param({"typ": {"a": 1}}, {}, id="typ-object"),
        pytest.param({}, {"exp": float("nan")}, id="exp-nan"),
        pytest.param({}, {"exp": float("inf")}, id="exp-infinity"),
        pytest.param({}, {"iat": float("nan")}, id="iat-nan"),
        pytest.param({}, {"nbf": "tomorrow"}, id="nbf-string"),
        pytest.param({}, {"exp": True}, id="exp-bool"),
        pytest.param({}, {"jti": ["a", "b"]}, id="jti-array"),
        pytest.param({}, {"jti": "j" * 300}, id="jti-huge"),
        pytest.param({}, {"aud": None}, id="aud-missing"),
        pytest.param({}, {"aud": {"x": 1}}, id="aud-object"),
    ],
)
def test_odd_types_are_refused_never_500(make_client, token_request, headers, claims):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(headers=headers, **claims))})
    # RFC 7523 §3.2: a client assertion that is not valid is invalid_client, whatever is wrong with it.
    assert (status, body["error"]) == (401, "invalid_client"), body


@pytest.mark.parametrize("sub", [123, None, "", "a\x00b", "x" * 300, ["client"]])
def test_odd_subjects_are_refused_never_500(make_client, token_request, sub):
    client = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form(client.assertion(sub=sub, iss=sub))})
    assert (status, body["error"]) == (401, "invalid_client"), body
