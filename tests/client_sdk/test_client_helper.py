"""The developer path: generate a key, register it, get a token, one step each."""

import json
import os
import stat
import subprocess
import sys

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command

from oauth_ext.client_sdk import AssertionSigner, PrivateKeyJWTAuth
from oauth_ext.core import jose

from ..conftest import ISSUER


@pytest.mark.parametrize("alg", ["ES256", "RS256", "PS256", "EdDSA"])
def test_keygen_writes_private_jwk_jwks_and_pkcs12(tmp_path, alg):
    call_command("oauth_ext_keygen", "--alg", alg, "--name", "myapp", "--out", str(tmp_path), "--p12-password", "s3cret")
    private = json.loads((tmp_path / "myapp.private.jwk.json").read_text())
    jwks = json.loads((tmp_path / "myapp.jwks.json").read_text())
    assert private["alg"] == alg and private["kid"] == jose.jwk_thumbprint(private)
    assert jwks == {"keys": [jose.public_jwk(private)]}
    assert "d" not in jwks["keys"][0]
    for secret_file in ("myapp.private.jwk.json", "myapp.p12"):
        assert stat.S_IMODE(os.stat(tmp_path / secret_file).st_mode) == 0o600
    key, cert, _ = pkcs12.load_key_and_certificates((tmp_path / "myapp.p12").read_bytes(), b"s3cret")
    assert jose.private_key_to_jwk(key, alg=alg)["kid"] == private["kid"]
    assert cert.public_key() == key.public_key()


def test_client_keys_command_attaches_a_jwks(tmp_path, db, make_client, token_request):
    registered = make_client(None)
    call_command("oauth_ext_keygen", "--name", "svc", "--out", str(tmp_path))
    call_command("oauth_ext_client_keys", registered.client_id, "--jwks", str(tmp_path / "svc.jwks.json"))
    registered.private_jwk = json.loads((tmp_path / "svc.private.jwk.json").read_text())
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body


def test_client_keys_command_refuses_bad_input(tmp_path, db, make_client):
    registered = make_client(None)
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    (tmp_path / "leaked.json").write_text(json.dumps({"keys": [private]}))
    with pytest.raises(CommandError, match="private"):
        call_command("oauth_ext_client_keys", registered.client_id, "--jwks", str(tmp_path / "leaked.json"))
    with pytest.raises(CommandError, match="no client"):
        call_command("oauth_ext_client_keys", "nobody", "--jwks-uri", "https://client.example.org/jwks")
    with pytest.raises(CommandError, match="jwks"):
        call_command("oauth_ext_client_keys", registered.client_id)


def test_signer_builds_what_the_server_requires(make_client):
    registered = make_client()
    assertion = registered.signer().assertion()
    header = jwt.get_unverified_header(assertion)
    claims = jwt.decode(assertion, options={"verify_signature": False})
    assert header["typ"] == "client-authentication+jwt" and header["kid"] == registered.private_jwk["kid"]
    assert claims["iss"] == claims["sub"] == registered.client_id
    assert claims["aud"] == ISSUER and isinstance(claims["aud"], str)
    assert claims["jti"] != jwt.decode(registered.signer().assertion(), options={"verify_signature": False})["jti"]


@pytest.mark.django_db(transaction=True)
def test_requests_auth_and_command_line_get_tokens(live_server, make_client, tmp_path):
    registered = make_client()
    signer = AssertionSigner(registered.private_jwk, client_id=registered.client_id, audience=ISSUER)
    token_url = f"{live_server.url}/o/token/"
    for _ in range(2):  # a fresh assertion each time
        response = requests.post(token_url, data={"grant_type": "client_credentials", "scope": "read"},
                                 auth=PrivateKeyJWTAuth(signer), timeout=30)
        assert response.status_code == 200, response.text
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(registered.private_jwk))
    done = subprocess.run(
        [sys.executable, "-m", "oauth_ext.client_sdk", "token", "--issuer", ISSUER, "--token-endpoint", token_url,
         "--client-id", registered.client_id, "--key", str(key_file), "--scope", "read"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert json.loads(done.stdout)["token_type"] == "Bearer"
