"""Mutual TLS behind a TLS-terminating proxy (RFC 8705): client authentication by PKI and
by self-signed certificate, certificate-bound access tokens and their check at our APIs."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from oauth_ext.core import jose
from oauth_ext.mtls import certificates
from oauth_ext.tokens.claims import jwt_claims

from ..certificates import HEADER, META, forwarded, issue

CC = {"grant_type": "client_credentials"}
UNTRUSTED = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture(autouse=True)
def proxy(settings):
    """The proxy at 127.0.0.1 (the test client's address) forwards verified certificates."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": HEADER, "TRUSTED_PROXIES": ["127.0.0.0/8"],
                                                         "ENDPOINT_ALIASES": {"token_endpoint": "https://mtls.as.example.com/o/token/"}}}


@pytest.fixture
def pki_client(make_client):
    authority = issue("Example CA", ca=True)
    certificate = issue("svc", issuer=authority, dns=["svc.example.com"]).certificate
    registered = make_client("tls_client_auth", profile={"tls_client_auth_san_dns": "svc.example.com"})
    return registered, certificate


def test_a_pki_client_gets_a_certificate_bound_token_and_uses_it(pki_client, token_request, client):
    registered, certificate = pki_client
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate))
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    claims = jwt_claims(body["access_token"])
    thumbprint = claims["cnf"]["x5t#S256"]
    assert thumbprint == certificates.thumbprint(certificate) and len(thumbprint) == 43 and "=" not in thumbprint
    assert claims["cmr"] == "tls_client_auth" and "mtls" in claims["cxt"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['access_token']}"}
    assert client.get("/api/me/", **bearer, **forwarded(certificate)).status_code == 200
    # The token without its certificate, with another one, or with the header from anyone but the proxy.
    for extra in ({}, forwarded(issue("other").certificate), {**forwarded(certificate), **UNTRUSTED}):
        response = client.get("/api/me/", **bearer, **extra)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_the_subject_dn_can_name_the_client(make_client, token_request):
    certificate = issue("svc-dn", issuer=issue("CA", ca=True)).certificate
    registered = make_client("tls_client_auth", profile={"tls_client_auth_subject_dn": "CN=svc-dn,O=Example"})
    assert token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate))[0] == 200


@pytest.mark.parametrize("header", ["pem", "folded", "der"])
def test_the_forwarded_certificate_is_read_in_the_usual_proxy_forms(pki_client, token_request, header):
    registered, certificate = pki_client
    pem = certificate.public_bytes(Encoding.PEM).decode()
    value = {"pem": pem.replace("\n", "\t"), "folded": pem.replace("\n", " "),
             "der": base64.b64encode(certificate.public_bytes(Encoding.DER)).decode()}[header]
    assert token_request({**CC, "client_id": registered.client_id}, **{META: value})[0] == 200


def test_a_certificate_that_does_not_match_the_registration_is_refused(pki_client, token_request):
    registered, _ = pki_client
    stranger = issue("svc", issuer=issue("CA", ca=True), dns=["other.example.com"]).certificate
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(stranger))
    assert (status, body["error"]) == (401, "invalid_client")


def test_a_certificate_header_from_an_untrusted_source_is_ignored(pki_client, token_request):
    registered, certificate = pki_client
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate), **UNTRUSTED)
    assert (status, body["error"]) == (401, "invalid_client")


def test_without_a_configured_header_no_certificate_is_read(pki_client, token_request, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": None}}
    registered, certificate = pki_client
    assert token_request({**CC, "client_id": registered.client_id}, **forwarded(certificate))[1]["error"] == "invalid_client"


def test_a_self_signed_client_authenticates_with_the_certificate_it_registered(make_client, token_request):
    own = issue("device")
    jwk = jose.public_jwk(jose.private_key_to_jwk(own.key))
    jwk["x5c"] = [certificates.der_b64(own.certificate)]
    registered = make_client(None)
    from oauth_ext.clients.services import set_client_keys

    set_client_keys(registered.app, method="self_signed_tls_client_auth", jwks={"keys": [jwk]})
    assert token_request({**CC, "client_id": registered.client_id}, **forwarded(own.certificate))[0] == 200
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **forwarded(issue("device").certificate))
    assert (status, body["error"]) == (401, "invalid_client")


def test_clients_of_other_methods_get_bound_tokens_and_may_require_them(make_client, token_request):
    registered = make_client("private_key_jwt", profile={"tls_client_certificate_bound_access_tokens": True})
    status, body, _ = token_request(registered.form(**CC))
    assert (status, body["error"]) == (400, "invalid_request")
    certificate = issue("app").certificate
    status, body, _ = token_request(registered.form(**CC), **forwarded(certificate))
    assert status == 200, body
    claims = jwt_claims(body["access_token"])
    assert claims["cnf"] == {"x5t#S256": certificates.thumbprint(certificate)}
    assert claims["cmr"] == "private_key_jwt"


def test_metadata_announces_bound_tokens_and_the_aliases(client):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert document["tls_client_certificate_bound_access_tokens"] is True
    assert document["mtls_endpoint_aliases"] == {"token_endpoint": "https://mtls.as.example.com/o/token/"}
    assert {"tls_client_auth", "self_signed_tls_client_auth", "spiffe_x509"} <= set(document["token_endpoint_auth_methods_supported"])


def test_a_tls_client_auth_registration_names_exactly_one_identity(make_client):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_client("tls_client_auth")
    with pytest.raises(ValidationError):
        make_client("tls_client_auth", profile={"tls_client_auth_san_dns": "a.example.com", "tls_client_auth_san_email": "a@example.com"})


def test_system_checks_catch_an_unusable_proxy_list(settings):
    from oauth_ext.checks import check_configuration

    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": HEADER, "TRUSTED_PROXIES": ["10.0.0.0/8", "proxy"]}}
    assert "oauth_ext.E013" in {m.id for m in check_configuration()}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "MTLS": {"CERTIFICATE_HEADER": HEADER, "TRUSTED_PROXIES": []}}
    assert "oauth_ext.W004" in {m.id for m in check_configuration()}


def test_an_mtls_client_registers_its_certificate_identity(vendor, token_request, register):
    from ..spiffe.test_spiffe import workload_statement

    metadata = {"software_statement": workload_statement(vendor, "tls_client_auth"),
                "tls_client_auth_san_dns": "job.example.com", "tls_client_certificate_bound_access_tokens": True}
    status, body = register({**metadata, "tls_client_certificate_bound_access_tokens": "yes"})
    assert (status, body["error"]) == (400, "invalid_client_metadata")
    status, body = register(metadata)
    assert status == 201, body
    assert body["tls_client_auth_san_dns"] == "job.example.com" and body["tls_client_certificate_bound_access_tokens"] is True
    certificate = issue("job", issuer=issue("CA", ca=True), dns=["job.example.com"]).certificate
    status, tokens, _ = token_request({**CC, "client_id": body["client_id"]}, **forwarded(certificate))
    assert status == 200, tokens


@pytest.mark.parametrize("value", ["not-a-certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "%ZZ"])
def test_an_unreadable_forwarded_certificate_is_no_certificate(pki_client, token_request, value):
    registered, _ = pki_client
    status, body, _ = token_request({**CC, "client_id": registered.client_id}, **{META: value})
    assert (status, body["error"]) == (401, "invalid_client")
