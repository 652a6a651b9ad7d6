"""AS metadata (RFC 8414) extended with what our features add."""

import pytest


@pytest.fixture
def document(client, db):
    response = client.get("/o/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    return response.json()


def test_issuer_and_jwks_uri_do_not_follow_the_host_header(client, db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    document = client.get("/o/.well-known/oauth-authorization-server", HTTP_HOST="evil.example.com").json()
    assert document["issuer"] == "https://as.example.com"
    assert document["jwks_uri"] == "https://as.example.com/o/jwks/"


def test_auth_methods_and_algorithms(document):
    for endpoint in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        methods = document[f"{endpoint}_auth_methods_supported"]
        assert {"private_key_jwt", "client_secret_jwt", "client_secret_basic", "client_secret_post", "none"} <= set(methods)
        algs = document[f"{endpoint}_auth_signing_alg_values_supported"]
        assert {"ES256", "RS256", "PS256", "EdDSA", "HS256"} <= set(algs)
        assert "none" not in algs  # RFC 8414 §2


def test_dot_keys_survive_and_jwks_uri_is_ours(document):
    assert document["issuer"] == "https://as.example.com"
    assert document["token_endpoint"].endswith("/o/token/")
    assert "code_challenge_methods_supported" in document
    assert document["jwks_uri"] == "https://as.example.com/o/jwks/"


def test_metadata_follows_settings(client, db, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_AUTH": {"METHODS": ["oauth_ext.client_auth.private_key_jwt.PrivateKeyJWT"], "SIGNING_ALGORITHMS": ["ES256"]}}
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert "client_secret_jwt" not in document["token_endpoint_auth_methods_supported"]
    assert document["token_endpoint_auth_signing_alg_values_supported"] == ["ES256"]


def test_removed_method_is_no_longer_accepted(make_client, token_request, settings):
    client = make_client("client_secret_jwt")
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_AUTH": {"METHODS": ["oauth_ext.client_auth.private_key_jwt.PrivateKeyJWT"]}}
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()})
    assert (status, body["error"]) == (401, "invalid_client")


def test_openid_configuration_extended_when_oidc_is_on(client, db, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert client.get("/o/.well-known/openid-configuration").status_code == 404
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ENABLED": True, "OIDC_RSA_PRIVATE_KEY": pem}
    document = client.get("/o/.well-known/openid-configuration").json()
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert document["jwks_uri"] == "https://as.example.com/o/jwks/"
    keys = client.get("/o/jwks/").json()["keys"]
    assert {key["kty"] for key in keys} == {"EC", "RSA"}  # ours, and DOT's ID-token key


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:8000/o", "https://as.example.com/o"])
def test_metadata_of_an_issuer_with_a_path_at_the_rfc8414_address(client, db, settings, issuer):
    """RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path;
    the appended address keeps working."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": issuer}
    inserted = client.get("/.well-known/oauth-authorization-server/o")
    assert inserted.status_code == 200, inserted.content
    assert inserted.json()["issuer"] == issuer
    appended = client.get("/o/.well-known/oauth-authorization-server")
    assert appended.status_code == 200 and appended.json() == inserted.json()


def test_only_the_configured_issuers_path_is_served(client, db, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": "https://as.example.com/o"}
    assert client.get("/.well-known/oauth-authorization-server/other").status_code == 404
    assert client.get("/.well-known/oauth-authorization-server/o/extra").status_code == 404
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": "https://as.example.com"}  # no path: nothing to insert
    assert client.get("/.well-known/oauth-authorization-server/o").status_code == 404


def test_openid_configuration_at_the_inserted_address_when_oidc_is_on(client, db, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": "https://as.example.com/o"}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ENABLED": True, "OIDC_RSA_PRIVATE_KEY": pem,
                                "OIDC_ISS_ENDPOINT": "https://as.example.com/o"}
    inserted = client.get("/.well-known/openid-configuration/o")
    assert inserted.status_code == 200 and inserted.json()["issuer"] == "https://as.example.com/o"
    assert client.get("/o/.well-known/openid-configuration").json()["issuer"] == "https://as.example.com/o"
