"""RFC 9449 §4.3 proof checks, against the RFC's own examples on a frozen clock."""

import json
import time
import uuid

import pytest
from django.core.cache import caches

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose, replay
from oauth_ext.dpop import nonces, proofs
from oauth_ext.dpop.errors import InvalidDPoPProof, UseDPoPNonce
from oauth_ext.dpop.htu import normalize

# RFC 9449 §4.1, §5 (refresh), §7.1: the example proofs, key, token, ath and jkt, verbatim.
JWK = {"kty": "EC", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", "crv": "P-256"}
JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
ACCESS_TOKEN = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
ATH = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
TOKEN_PROOF = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
REFRESH_PROOF = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjY1Mjk2fQ.pAqut2IRDm_De6PR93SYmGBPXpwrAk90e8cP2hjiaG5QsGSuKDYW7_X620BxqhvYC8ynrrvZLTk41mSRroapUA"
RESOURCE_PROOF = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA"
TOKEN_URL = "https://server.example.com/token"
RESOURCE_URL = "https://resource.example.org/protectedresource"


@pytest.fixture
def fresh_replay_store(settings):
    """A Redis namespace of its own: the RFC's proofs 1 and 2 share a jti."""
    alias = {**settings.CACHES["default"], "KEY_PREFIX": f"oauth_ext_vectors_{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "vectors": alias}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "vectors"}
    caches["vectors"].add(replay.EPOCH_KEY, 0.0, timeout=None)  # new: it remembers every claim (proofs of 2019)


def test_thumbprint_and_ath_vectors():
    assert jose.jwk_thumbprint(JWK) == JKT
    assert proofs.access_token_hash(ACCESS_TOKEN) == ATH


@pytest.mark.parametrize(("proof", "iat"), [(TOKEN_PROOF, 1562262616), (REFRESH_PROOF, 1562265296)])
def test_rfc_token_request_proofs(fresh_replay_store, proof, iat):
    verified = proofs.verify(proof, method="POST", url=TOKEN_URL, now=iat + 4)
    assert verified.jkt == JKT
    assert verified.jwk == JWK
    assert verified.claims["iat"] == iat


def test_rfc_resource_proof_with_ath(fresh_replay_store):
    verified = proofs.verify(RESOURCE_PROOF, method="GET", url=RESOURCE_URL, access_token=ACCESS_TOKEN, now=1562262620)
    assert verified.jkt == JKT and verified.claims["ath"] == ATH


def test_rfc_proof_is_refused_once_its_window_has_passed(fresh_replay_store):
    with pytest.raises(InvalidDPoPProof, match="window"):
        proofs.verify(TOKEN_PROOF, method="POST", url=TOKEN_URL, now=1562262616 + 301)


def test_rfc_resource_proof_with_another_token(fresh_replay_store):
    with pytest.raises(InvalidDPoPProof, match="ath"):
        proofs.verify(RESOURCE_PROOF, method="GET", url=RESOURCE_URL, access_token="another", now=1562262620)


@pytest.mark.parametrize("url", [
    "https://SERVER.example.com/token", "https://server.example.com:443/token", "https://server.example.com/token?a=b#c",
    "https://server.example.com/./token", "https://server.example.com/%74oken",
])
def test_htu_normalisation_accepts_equivalent_urls(fresh_replay_store, url):
    proofs.verify(TOKEN_PROOF, method="POST", url=url, now=1562262620)


@pytest.mark.parametrize("url", ["http://server.example.com/token", "https://server.example.com:8443/token",
                                 "https://server.example.com/token/", "https://other.example.com/token"])
def test_htu_mismatch(fresh_replay_store, url):
    with pytest.raises(InvalidDPoPProof, match="htu"):
        proofs.verify(TOKEN_PROOF, method="POST", url=url, now=1562262620)


def test_normalize_rejects_non_urls():
    assert normalize("urn:x:y") is None
    assert normalize("https://user:pw@host/") is None
    assert normalize("https://host:99999/") is None


KEY = DPoPKey.generate()
URL = "https://as.example.com/o/token/"


def _forge(header: dict, claims: dict, key=None) -> str:
    key = key or KEY
    return jose.sign(claims, key=key.key, alg=header.pop("alg", "ES256"), headers=header)


def _claims(**overrides):
    claims = {"jti": uuid.uuid4().hex, "htm": "POST", "htu": URL, "iat": int(time.time())}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: _forge({"typ": "JWT", "jwk": KEY.public_jwk}, _claims()), "typ"),
    (lambda: _forge({"jwk": KEY.public_jwk}, _claims()), "typ"),
    (lambda: _forge({"typ": "dpop+jwt"}, _claims()), "JWK is not an object"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.private_jwk}, _claims()), "private"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": DPoPKey.generate().public_jwk}, _claims()), "signature"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(htm="GET")), "htm"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(htm="post")), "htm"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(htu="https://as.example.com/o/other/")), "htu"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(iat=_claims()["iat"] - 600)), "window"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(iat=_claims()["iat"] + 600)), "window"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(jti=None)), "required"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(iat="now")), "required"),
    (lambda: _forge({"typ": "dpop+jwt", "jwk": KEY.public_jwk}, _claims(jti="x" * 300)), "required"),
    (lambda: jose.b64url_encode(json.dumps({"typ": "dpop+jwt", "alg": "none", "jwk": KEY.public_jwk}).encode())
     + "." + jose.b64url_encode(json.dumps(_claims()).encode()) + ".", "alg"),
    (lambda: "not.a.jwt", "header"),
], ids=["typ-jwt", "typ-missing", "no-jwk", "private-jwk", "bad-signature", "wrong-htm", "lowercase-htm",
        "wrong-htu", "iat-too-old", "iat-in-future", "no-jti", "iat-string", "jti-too-long", "alg-none", "malformed"])
def test_every_check_of_section_4_3(make, reason):
    with pytest.raises(InvalidDPoPProof, match=reason):
        proofs.verify(make(), method="POST", url=URL)


def test_hmac_proof_is_refused():
    import hashlib
    import hmac

    signing_input = ".".join(jose.b64url_encode(json.dumps(p).encode()) for p in (
        {"typ": "dpop+jwt", "alg": "HS256", "jwk": KEY.public_jwk}, _claims()))
    mac = hmac.new(b"secret", signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidDPoPProof, match="alg"):
        proofs.verify(f"{signing_input}.{jose.b64url_encode(mac)}", method="POST", url=URL)


def test_two_proofs_in_one_header_are_refused():
    with pytest.raises(InvalidDPoPProof, match="more than one"):
        proofs.single_header(f"{KEY.proof('POST', URL)}, {KEY.proof('POST', URL)}")


def test_replayed_proof_is_refused():
    proof = KEY.proof("POST", URL)
    proofs.verify(proof, method="POST", url=URL)
    with pytest.raises(InvalidDPoPProof, match="already used"):
        proofs.verify(proof, method="POST", url=URL)


def test_nonce_required():
    with pytest.raises(UseDPoPNonce) as caught:
        proofs.verify(KEY.proof("POST", URL), method="POST", url=URL, nonce_audience="as")
    nonce = caught.value.headers["DPoP-Nonce"]
    proofs.verify(KEY.proof("POST", URL, nonce=nonce), method="POST", url=URL, nonce_audience="as")
    with pytest.raises(UseDPoPNonce):  # the AS's nonce is no good at a resource server (§9)
        proofs.verify(KEY.proof("POST", URL, nonce=nonce), method="POST", url=URL, nonce_audience="rs:api")


def test_nonces_expire_and_cannot_be_forged(settings):
    issued = nonces.issue(now=1_000_000)
    assert nonces.is_valid(issued, now=1_000_000 + 60)
    assert not nonces.is_valid(issued, now=1_000_000 + 181)
    assert not nonces.is_valid(issued[:-2] + "AA", now=1_000_000)
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"NONCE_SECRET": "another secret"}}
    assert not nonces.is_valid(issued, now=1_000_000)
