"""SPIFFE client authentication (draft-ietf-oauth-spiffe-client-auth-02): trust domains and
their bundles, JWT-SVIDs and X.509-SVIDs, and the bad inputs with their answers."""

from __future__ import annotations

import io
import json
import time
import uuid

import jwt
import pytest
from django.core.management import call_command

from oauth_ext.core import jose
from oauth_ext.mtls import certificates
from oauth_ext.spiffe import bundles, ids, services
from oauth_ext.spiffe.models import SpiffeTrustDomain
from oauth_ext.tokens.claims import jwt_claims

from ..certificates import HEADER, forwarded, issue
from ..conftest import ISSUER

JWT_SPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"
CC = {"grant_type": "client_credentials"}

# -02 §6, verbatim: a bundle endpoint's response.
DRAFT_BUNDLE = {
    "keys": [
        {"use": "x509-svid", "kty": "EC", "crv": "P-384",
         "x": "9XBzty8W_ex4Xr0RdzUBgie_okdaUTheSF0PQvVAaTsXaP1J7yv0Dhlaw45I7Cv9",
         "y": "HP21HOmMxIlZ0XeqsOl9sM5H57HBQWu0bINXfw4jdeHdB5vk1XyNyBQQxeUpSxhn",
         "x5c": ["MIIB2DCCAV6gAwIBAgIURJ20yIzal3ZT9NXkdwrsm0selwwwCgYIKoZIzj0EAwQwHjELMAkGA1UEBhMCVVMxDzANBgNVBAoMBlNQSUZGRTAeFw0yMzA1MTUwMjA1MDZaFw0yODA1MTMwMjA1MDZaMB4xCzAJBgNVBAYTAlVTMQ8wDQYDVQQKDAZTUElGRkUwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT1cHO3Lxb97HhevRF3NQGCJ7+iR1pROF5IXQ9C9UBpOxdo/UnvK/QOGVrDjkjsK/0c/bUc6YzEiVnRd6qw6X2wzkfnscFBa7Rsg1d/DiN14d0Hm+TVfI3IFBDF5SlLGGejXTBbMB0GA1UdDgQWBBSSiuNgxqqnz2r/jRcWsARqphwQ/zAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAZBgNVHREEEjAQhg5zcGlmZmU6Ly9sb2NhbDAKBggqhkjOPQQDBANoADBlAjEA54Q8hfhEd4qVycwbLNzOm/HQrp1n1+a2xc88iU036FMPancR1PLqgsODPfWyttdRAjAKIodUi4eYiMa9+I2rVbj8gOxJAFn0hLLEF3QDmXtGPpARs9qC+KbiklTu5Fpik2Q="]},
        {"use": "jwt-svid", "kty": "EC", "kid": "6d02Vc2oU62mXVH5nlggHGLmfIhrlnNW", "crv": "P-256",
         "x": "S2V42XlFjNp30CFmOidbWQT9IpZHqJ8JuuJgDBvkdZA", "y": "vN0y5TK36VRxZo_E3Gc7S5c0jIRIaHZ53f2UiJ1NFto"},
        {"use": "wit-svid", "kty": "EC", "kid": "b7f3K2oPz8nQvT1xYl9gHGLmfIhrlnXY", "crv": "P-256",
         "x": "18wHLeIgW9wVN6VD1Txgpqy2LszYkMf6J8njVAibvhM", "y": "-V4dS4UaLMgP_4fY4j8ir7cl1TXlFdAgcx55o7TkcSA"},
    ],
    "spiffe_sequence": 10,
    "spiffe_refresh_hint": 300,
}


def test_the_drafts_bundle_yields_its_jwt_svid_key_and_its_x509_authority():
    bundle = bundles.parse(DRAFT_BUNDLE)
    assert [k["kid"] for k in bundle.jwt_keys] == ["6d02Vc2oU62mXVH5nlggHGLmfIhrlnNW"]  # the wit-svid key is not one
    (authority,) = bundle.x509_authorities
    assert authority.extensions.get_extension_for_class(certificates.x509.SubjectAlternativeName).value.get_values_for_type(
        certificates.x509.UniformResourceIdentifier) == ["spiffe://local"]


@pytest.mark.parametrize(("registered", "presented", "expected"), [
    ("spiffe://example.org/client/*", "spiffe://example.org/client/123", True),   # -02 §5.1
    ("spiffe://example.org/client/*", "spiffe://example.org/client123", False),   # -02 §5.1
    ("spiffe://example.org/client/*", "spiffe://example.org/client/", False),
    ("spiffe://example.org/my-oauth-client", "spiffe://example.org/my-oauth-client", True),
    ("spiffe://example.org/my-oauth-client", "spiffe://example.org/my-oauth-client/x", False),
    ("spiffe://example.org/client/*", "spiffe://evil.org/client/1", False),
    ("spiffe://example.org/client/*", "spiffe://example.org/client/../admin", False),
])
def test_spiffe_id_matching(registered, presented, expected):
    assert ids.matches(registered, presented) is expected


class Workload:
    """A trust domain's JWT-SVID signer and X.509 authority, published at a bundle endpoint."""

    def __init__(self, server, name: str = "example.org"):
        self.server, self.name = server, name
        self.path = f"/{uuid.uuid4().hex}/bundle.json"
        self.jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        self.authority = issue("SPIFFE CA", ca=True)
        self.sequence = 1
        self.publish()
        self.domain = SpiffeTrustDomain.objects.create(trust_domain=name, bundle_endpoint=server.url(self.path))

    def publish(self) -> None:
        jwt_key = {**jose.public_jwk(self.jwk), "use": "jwt-svid"}
        jwt_key.pop("alg", None)
        x509_key = {**jose.public_jwk(jose.private_key_to_jwk(self.authority.key)), "use": "x509-svid",
                    "x5c": [certificates.der_b64(self.authority.certificate)]}
        self.server.serve_json(self.path, {"keys": [jwt_key, x509_key], "spiffe_sequence": self.sequence, "spiffe_refresh_hint": 300})

    def svid(self, sub: str, *, key: dict | None = None, alg: str = "ES256", headers: dict | None = None, **claims) -> str:
        now = int(time.time())
        body = {"sub": sub, "aud": [ISSUER], "iat": now, "exp": now + 300, **claims}
        key = key or self.jwk
        return jwt.api_jws.encode(json.dumps({k: v for k, v in body.items() if v is not None}).encode(),
                                  jose.load_private_jwk(key), algorithm=alg,
                                  headers={"kid": self.jwk["kid"], "typ": "JWT", **(headers or {})})

    def x509_svid(self, *uris: str, **options):
        return issue("workload", issuer=self.authority, uris=list(uris), **options).certificate


@pytest.fixture
def workload(db, http_server, settings):
    settings.DEBUG = True  # plain http to loopback is fetched only while DEBUG
    return Workload(http_server)


def svid_form(svid: str, **params: str) -> dict[str, str]:
    return {**CC, "client_assertion_type": JWT_SPIFFE, "client_assertion": svid, **params}


def test_a_workload_gets_a_token_with_its_jwt_svid(workload, make_client, token_request):
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/ns/prod/*"})
    status, body, _ = token_request(svid_form(workload.svid("spiffe://example.org/ns/prod/billing"), client_id=registered.client_id))
    assert status == 200, body
    assert jwt_claims(body["access_token"])["cmr"] == "spiffe_jwt"
    assert SpiffeTrustDomain.objects.get().refreshed_at is not None  # fetched on first use


def test_a_workload_registered_with_its_exact_id_needs_no_client_id(workload, make_client, token_request):
    make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/my-oauth-client"})
    status, body, _ = token_request(svid_form(workload.svid("spiffe://example.org/my-oauth-client")))
    assert status == 200, body


def test_bundles_are_refreshed_by_the_command_and_a_rotated_key_is_fetched_on_demand(workload, make_client, token_request):
    out = io.StringIO()
    call_command("oauth_ext_spiffe_bundles", stdout=out)
    assert "1 trust domain bundle(s) refreshed" in out.getvalue()
    assert SpiffeTrustDomain.objects.get().spiffe_sequence == 1
    workload.jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    workload.sequence = 2
    workload.publish()
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/a"})
    assert token_request(svid_form(workload.svid("spiffe://example.org/a"), client_id=registered.client_id))[0] == 200
    assert SpiffeTrustDomain.objects.get().spiffe_sequence == 2


def test_an_older_bundle_is_not_taken(workload):
    services.refresh(workload.domain)
    workload.domain.spiffe_sequence = 5
    workload.domain.save()
    with pytest.raises(bundles.BundleError, match="older"):
        services.refresh(workload.domain)


@pytest.mark.parametrize("case", [
    "untrusted_domain", "outside_prefix", "prefix_not_segment", "two_audiences", "other_audience", "expired",
    "too_long", "other_key", "hmac", "header_jwk", "foreign_type",
])
def test_bad_jwt_svids_are_refused(workload, make_client, token_request, case):
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/client/*"})
    sub = "spiffe://example.org/client/1"
    svid = {
        "untrusted_domain": lambda: workload.svid("spiffe://evil.org/client/1"),
        "outside_prefix": lambda: workload.svid("spiffe://example.org/admin/1"),
        "prefix_not_segment": lambda: workload.svid("spiffe://example.org/client1"),
        "two_audiences": lambda: workload.svid(sub, aud=[ISSUER, "https://rs.example.com"]),
        "other_audience": lambda: workload.svid(sub, aud=["https://as.example.com/o/token/"]),
        "expired": lambda: workload.svid(sub, iat=int(time.time()) - 900, exp=int(time.time()) - 600),
        "too_long": lambda: workload.svid(sub, exp=int(time.time()) + 86400),
        "other_key": lambda: workload.svid(sub, key=jose.private_key_to_jwk(jose.generate_private_key("ES256"))),
        "hmac": lambda: jwt.encode({"sub": sub, "aud": ISSUER, "exp": int(time.time()) + 60}, "s" * 32, algorithm="HS256"),
        "header_jwk": lambda: workload.svid(sub, headers={"jwk": jose.public_jwk(workload.jwk)}),
        "foreign_type": lambda: workload.svid(sub, headers={"typ": "dpop+jwt"}),
    }[case]()
    status, body, _ = token_request(svid_form(svid, client_id=registered.client_id))
    assert (status, body["error"]) == (401, "invalid_client")


@pytest.fixture
def mtls(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": HEADER, "TRUSTED_PROXIES": ["127.0.0.1"]}}


def test_a_workload_gets_a_certificate_bound_token_with_its_x509_svid(workload, mtls, make_client, token_request, client):
    registered = make_client("spiffe_x509", profile={"spiffe_id": "spiffe://example.org/my-oauth-client"})
    certificate = workload.x509_svid("spiffe://example.org/my-oauth-client")
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate))
    assert status == 200, body
    claims = jwt_claims(body["access_token"])
    assert claims["cmr"] == "spiffe_x509"
    assert claims["cnf"] == {"x5t#S256": certificates.thumbprint(certificate)}
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}", **forwarded(certificate)).status_code == 200


@pytest.mark.parametrize("case", ["other_authority", "two_uris", "ca", "no_signature_usage", "other_id", "untrusted_domain"])
def test_bad_x509_svids_are_refused(workload, mtls, make_client, token_request, case):
    spiffe_id = "spiffe://example.org/my-oauth-client"
    registered = make_client("spiffe_x509", profile={"spiffe_id": spiffe_id})
    certificate = {
        # a certificate a public CA could have issued: never validated against anything but the bundle
        "other_authority": lambda: issue("workload", issuer=issue("Public CA", ca=True), uris=[spiffe_id]).certificate,
        "two_uris": lambda: workload.x509_svid(spiffe_id, "spiffe://example.org/other"),
        "ca": lambda: workload.x509_svid(spiffe_id, ca=True),
        "no_signature_usage": lambda: workload.x509_svid(spiffe_id, digital_signature=False),
        "other_id": lambda: workload.x509_svid("spiffe://example.org/someone-else"),
        "untrusted_domain": lambda: issue("w", issuer=workload.authority, uris=["spiffe://evil.org/my-oauth-client"]).certificate,
    }[case]()
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate))
    assert (status, body["error"]) == (401, "invalid_client")


def workload_statement(vendor, method: str) -> str:
    """A statement of software whose instances are workloads (client_credentials, ``method``)."""
    vendor.publisher.allowed_grant_types, vendor.publisher.allowed_auth_methods = ["client_credentials"], [method]
    vendor.publisher.require_instance_key = False
    vendor.publisher.save()
    return vendor.statement(grant_types=["client_credentials"], token_endpoint_auth_method=method, redirect_uris=None)


def test_a_workload_registers_its_spiffe_id_and_then_authenticates_with_its_svid(workload, vendor, token_request, register):
    metadata = {"software_statement": workload_statement(vendor, "spiffe_jwt"),
                "spiffe_id": "spiffe://example.org/client/*", "spiffe_bundle_endpoint": "https://example.org/client/bundle.json"}
    status, body = register({**metadata, "spiffe_id": "https://example.org/client"})
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    status, body = register({k: v for k, v in metadata.items() if k != "spiffe_id"})
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    status, body = register(metadata)
    assert status == 201, body
    assert body["spiffe_id"] == "spiffe://example.org/client/*"
    assert body["spiffe_bundle_endpoint"] == "https://example.org/client/bundle.json"
    status, tokens, _ = token_request(svid_form(workload.svid("spiffe://example.org/client/1234"), client_id=body["client_id"]))
    assert status == 200, tokens


@pytest.mark.parametrize(("assertion", "answer"), [
    ("abc", (400, "invalid_request")), ("a.b.c", (400, "invalid_request")),
    ("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOjF9.AAAA", (401, "invalid_client")),  # sub 1: no trust domain
])
def test_garbage_svids_get_an_oauth_error(workload, make_client, token_request, assertion, answer):
    registered = make_client("spiffe_jwt", profile={"spiffe_id": "spiffe://example.org/a"})
    status, body, _ = token_request(svid_form(assertion, client_id=registered.client_id))
    assert (status, body["error"]) == answer
