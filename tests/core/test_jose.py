"""JOSE core: RFC 7638 thumbprints, the RFC 9126 assertion vector, key rules."""

import json

import pytest

from oauth_ext.client_auth.jwt_assertion import check_claims
from oauth_ext.core import jose
from oauth_ext.core.errors import InvalidClient

# RFC 7638 §3.1, verbatim.
RFC7638_JWK = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

# RFC 9126 §2.1 client_assertion and the §3 public key that signed it, verbatim.
RFC9126_ASSERTION = (
    "eyJraWQiOiJrMmJkYyIsImFsZyI6IlJTMjU2In0.eyJpc3Mi"
    "OiJzNkJoZFJrcXQzIiwic3ViIjoiczZCaGRSa3F0MyIsImF1ZCI6Imh0dHBzOi8vc"
    "2VydmVyLmV4YW1wbGUuY29tIiwiZXhwIjoxNjI1ODY5Njc3fQ.te4IdnP_DK4hWrh"
    "TWA6fyhy3fxlAQZAhfA4lmzRdpoP5uZb-E90R5YxzN1YDA8mnVdpgj_Bx1lG5r6se"
    "f5TlckApA3hahhC804dcqlE4naEmLISmN1pds2WxTMOUzZY8aKKSDzNTDqhyTgE-K"
    "dTb3RafRj7tdZb09zWs7c_moOvfVcQIoy5zz1BvLQKW1Y8JsYvdpu2AvpxRPbcP8W"
    "yeW9B6PL6_fy3pXYKG3e-qUcvPa9kan-mo9EoSgt-YTDQjK1nZMdXIqTluK9caVJE"
    "RWW0fD1Y11_tlOcJn-ya7v7d8YmFyJpkhZfm8x1FoeH0djEicXTixEkdRuzsgUCm6"
    "GQ"
)
RFC9126_JWK = {
    "kty": "RSA",
    "kid": "k2bdc",
    "e": "AQAB",
    "n": "y9Lqv4fCp6Ei-u2-ZCKq83YvbFEk6JMs_pSj76eMkddWRuWX2aBKGHAtKlE5P7_vn__PCKZWePt3vGkB6ePgzAFu08NmKemwE5bQI0e6kIChtt_6KzT5OaaXDFI6qCLJmk51Cc4VYFaxgqevMncYrzaW_50mZ1yGSFIQzLYP8bijAHGVjdEFgZaZEN9lsn_GdWLaJpHrB3ROlS50E45wxrlg9xMncVb8qDPuXZarvghLL0HzOuYRadBJVoWZowDNTpKpk2RklZ7QaBO7XDv3uR7s_sf2g-bAjSYxYUGsqkNA9b3xVW53am_UZZ3tZbFTIh557JICWKHlWj5uzeJXaw",
}
RFC9126_EXP = 1625869677


def test_rfc7638_thumbprint_vector():
    assert jose.jwk_thumbprint(RFC7638_JWK) == RFC7638_THUMBPRINT


def test_rfc9126_assertion_verifies_with_its_published_key():
    header, claims = jose.verify_jws(
        RFC9126_ASSERTION, key=jose.load_public_jwk(RFC9126_JWK), algorithms={"RS256"}, max_bytes=8192
    )
    assert header == {"kid": "k2bdc", "alg": "RS256"}
    assert claims == {"iss": "s6BhdRkqt3", "sub": "s6BhdRkqt3", "aud": "https://server.example.com", "exp": RFC9126_EXP}
    assert jose.select_key([RFC9126_JWK], kid=header["kid"], alg="RS256") == RFC9126_JWK


def test_rfc9126_assertion_claims_on_a_frozen_clock(settings):
    """At the vector's own time every time rule holds; only the OIDC jti rule fails."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": "https://server.example.com"}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": "https://server.example.com"}
    _, claims = jose.verify_jws(RFC9126_ASSERTION, key=jose.load_public_jwk(RFC9126_JWK), algorithms={"RS256"}, max_bytes=8192)
    with pytest.raises(InvalidClient, match="jti is required"):
        check_claims(claims, client_id="s6BhdRkqt3", now=RFC9126_EXP - 30)
    check_claims({**claims, "jti": "j1"}, client_id="s6BhdRkqt3", now=RFC9126_EXP - 30)
    with pytest.raises(InvalidClient, match="expired"):
        check_claims({**claims, "jti": "j1"}, client_id="s6BhdRkqt3", now=RFC9126_EXP + 60)


def test_tampered_vector_fails():
    header, payload, signature = RFC9126_ASSERTION.split(".")
    forged_payload = jose.b64url_encode(json.dumps({"iss": "s6BhdRkqt3", "sub": "admin"}).encode())
    with pytest.raises(jose.JOSEError, match="signature"):
        jose.verify_jws(f"{header}.{forged_payload}.{signature}", key=jose.load_public_jwk(RFC9126_JWK), algorithms={"RS256"}, max_bytes=8192)


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi"])
def test_private_rsa_material_is_refused(member):
    private = jose.private_key_to_jwk(jose.generate_private_key("RS256"))
    with pytest.raises(jose.JOSEError, match="private"):
        jose.load_public_jwk({**jose.public_jwk(private), member: private.get(member, "AQAB")})


def test_symmetric_key_is_refused():
    with pytest.raises(jose.JOSEError, match="symmetric"):
        jose.load_public_jwk({"kty": "oct", "k": "c2VjcmV0"})


def test_short_rsa_key_is_refused():
    from cryptography.hazmat.primitives.asymmetric import rsa

    weak = jose.private_key_to_jwk(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    with pytest.raises(jose.JOSEError, match="shorter"):
        jose.load_public_jwk(jose.public_jwk(weak))


@pytest.mark.parametrize("jwks", [None, [], {"keys": []}, {"keys": "x"}, {"keys": [{"kty": "EC", "crv": "P-999"}]}])
def test_malformed_jwks_is_refused(jwks):
    with pytest.raises(jose.JOSEError):
        jose.validate_public_jwks(jwks)


def test_select_key_needs_kid_when_several_keys_fit():
    one, two = (jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256"))) for _ in range(2))
    with pytest.raises(jose.KeyNotFound):
        jose.select_key([one, two], kid=None, alg="ES256")
    assert jose.select_key([one, two], kid=two["kid"], alg="ES256") == two
    assert jose.select_key([one], kid=None, alg="ES256") == one
    with pytest.raises(jose.KeyNotFound):
        jose.select_key([one], kid=None, alg="RS256")  # an EC key never verifies RS256


def _token(header: dict, claims: dict) -> str:
    return ".".join(jose.b64url_encode(json.dumps(part).encode()) for part in (header, claims)) + "."


def test_verify_refuses_none_and_algorithms_outside_the_list():
    key = jose.generate_private_key("ES256")
    token = jose.sign({"a": 1}, key=key, alg="ES256")
    with pytest.raises(jose.JOSEError, match="not allowed"):
        jose.verify_jws(token, key=key.public_key(), algorithms={"RS256"}, max_bytes=8192)
    with pytest.raises(jose.JOSEError, match="not allowed"):
        jose.verify_jws(_token({"alg": "none"}, {"a": 1}), key=key.public_key(), algorithms={"none", "ES256"}, max_bytes=8192)


def test_verify_refuses_hmac_with_a_public_key():
    key = jose.generate_private_key("ES256")
    with pytest.raises(jose.JOSEError, match="non-secret"):
        jose.verify_jws(_token({"alg": "HS256"}, {}) + "c2ln", key=key.public_key(), algorithms={"HS256"}, max_bytes=8192)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("a" * 200, "larger"),
        ("a.b", "three segments"),
        ("e30.e30.", "no alg"),
        (jose.b64url_encode(b'{"alg":"ES256","crit":["x"]}') + ".e30.", "critical"),
        (jose.b64url_encode(b'{"alg":"ES256","kid":7}') + ".e30.", "kid"),
    ],
)
def test_header_shape_rules(token, message):
    with pytest.raises(jose.JOSEError, match=message):
        jose.unverified_header(token, max_bytes=100)


@pytest.mark.parametrize("alg", ["ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA"])
def test_generated_keys_round_trip(alg):
    private = jose.private_key_to_jwk(jose.generate_private_key(alg), alg=alg)
    assert private["kid"] == jose.jwk_thumbprint(private)
    token = jose.sign({"x": 1}, key=jose.load_private_jwk(private), alg=alg)
    _, claims = jose.verify_jws(token, key=jose.load_public_jwk(jose.public_jwk(private)), algorithms={alg}, max_bytes=8192)
    assert claims == {"x": 1}
