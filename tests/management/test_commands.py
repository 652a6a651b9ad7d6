"""The README's one-step commands: keygen that never silently replaces a key, a
key-authenticated client in one command, and a vendor's software statement."""

import json
from io import StringIO

import jwt
import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.core import jose

from ..conftest import ISSUER


def _keygen(tmp_path, name, *extra):
    out = StringIO()
    call_command("oauth_ext_keygen", "--name", name, "--out", str(tmp_path), *extra, stdout=out)
    return out.getvalue()


def test_keygen_refuses_to_overwrite_a_key_without_force(tmp_path):
    _keygen(tmp_path, "myapp")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(CommandError, match="myapp.private.jwk.json exists.*--force"):
        _keygen(tmp_path, "myapp")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert "kept" in _keygen(tmp_path, "myapp", "--if-missing")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    _keygen(tmp_path, "myapp", "--force")
    after = json.loads((tmp_path / "myapp.private.jwk.json").read_text())
    assert after["kid"] != json.loads(before["myapp.private.jwk.json"])["kid"]


def test_keygen_refuses_when_only_the_public_half_is_there(tmp_path):
    (tmp_path / "myapp.jwks.json").write_text("{}")
    with pytest.raises(CommandError, match="myapp.jwks.json exists"):
        _keygen(tmp_path, "myapp")
    assert not (tmp_path / "myapp.private.jwk.json").exists()


def test_create_client_makes_a_key_client_with_its_scopes_and_no_secret(tmp_path, db, token_request):
    _keygen(tmp_path, "myapp")
    out = StringIO()
    call_command("oauth_ext_create_client", "myapp", "--jwks", str(tmp_path / "myapp.jwks.json"),
                 "--grant", "client-credentials", "--scope", "read", stdout=out)
    assert "secret" not in out.getvalue().lower()
    app = get_application_model().objects.get(client_id="myapp")
    assert app.client_type == "confidential" and app.authorization_grant_type == "client-credentials"
    assert app.client_secret.startswith("!") and not app.hash_client_secret  # Django's unusable marker
    assert app.oauth_ext_profile.token_endpoint_auth_method == "private_key_jwt"
    assert app.oauth_ext_profile.scope == ["read"]
    signer = AssertionSigner.from_file(tmp_path / "myapp.private.jwk.json", client_id="myapp", audience=ISSUER)
    status, body, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                     "client_assertion": signer.assertion()})
    assert status == 200 and body["scope"] == "read", body
    status, body, _ = token_request({"grant_type": "client_credentials", "client_id": "myapp", "client_secret": app.client_secret})
    assert status == 401 and body["error"] == "invalid_client", body


def test_create_client_for_authorization_code_needs_a_redirect_uri(tmp_path, db):
    _keygen(tmp_path, "web")
    with pytest.raises(CommandError, match="redirect-uri"):
        call_command("oauth_ext_create_client", "web", "--jwks", str(tmp_path / "web.jwks.json"), "--grant", "authorization-code")
    call_command("oauth_ext_create_client", "web", "--jwks", str(tmp_path / "web.jwks.json"), "--grant", "authorization-code",
                 "--redirect-uri", "https://web.example.org/cb", "--scope", "read write", stdout=StringIO())
    app = get_application_model().objects.get(client_id="web")
    assert app.redirect_uris == "https://web.example.org/cb" and app.oauth_ext_profile.scope == ["read", "write"]


def test_create_client_leaves_nothing_behind_on_bad_input(tmp_path, db, make_client):
    _keygen(tmp_path, "myapp")
    jwks = str(tmp_path / "myapp.jwks.json")
    with pytest.raises(CommandError, match="Unknown scopes: everything"):
        call_command("oauth_ext_create_client", "myapp", "--jwks", jwks, "--scope", "read everything")
    (tmp_path / "leak.json").write_text(json.dumps({"keys": [json.loads((tmp_path / "myapp.private.jwk.json").read_text())]}))
    with pytest.raises(CommandError, match="private"):
        call_command("oauth_ext_create_client", "myapp", "--jwks", str(tmp_path / "leak.json"))
    assert not get_application_model().objects.filter(client_id="myapp").exists()
    existing = make_client()
    with pytest.raises(CommandError, match="exists"):
        call_command("oauth_ext_create_client", existing.client_id, "--jwks", jwks)
    with pytest.raises(CommandError):  # one of --jwks / --jwks-uri is required
        call_command("oauth_ext_create_client", "other")


def test_client_keys_command_sets_the_registered_scopes(tmp_path, db, make_client):
    registered = make_client()
    _keygen(tmp_path, "svc")
    call_command("oauth_ext_client_keys", registered.client_id, "--jwks", str(tmp_path / "svc.jwks.json"),
                 "--scope", "read", stdout=StringIO())
    registered.app.refresh_from_db()
    assert registered.app.oauth_ext_profile.scope == ["read"]


def test_statement_sign_prints_a_statement_that_registration_accepts(tmp_path, vendor, register):
    key_file = tmp_path / "vendor.private.jwk.json"
    key_file.write_text(json.dumps(vendor.private_jwk))
    out = StringIO()
    call_command("oauth_ext_statement", "sign", "--key", str(key_file), "--issuer", vendor.issuer, "--software-id", "mail-app",
                 "--claims", json.dumps({"client_name": "Mail", "redirect_uris": ["http://127.0.0.1/callback"],
                                         "grant_types": ["authorization_code", "refresh_token"]}), stdout=out)
    statement = out.getvalue().strip()
    header = jwt.get_unverified_header(statement)
    claims = jwt.decode(statement, options={"verify_signature": False})
    assert header["kid"] == vendor.private_jwk["kid"] and header["alg"] == "ES256"
    assert claims["iss"] == vendor.issuer and claims["software_id"] == "mail-app" and claims["exp"] > claims["iat"]
    checked = StringIO()
    call_command("oauth_ext_statement", "check", statement, stdout=checked)
    assert json.loads(checked.getvalue())["accepted"] is True
    instance_key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    status, body = register({"software_statement": statement, "jwks": {"keys": [jose.public_jwk(instance_key)]}})
    assert status == 201, body
    assert ClientInstance.objects.get(application__client_id=body["client_id"]).software_id == "mail-app"


def test_statement_sign_refuses_a_public_key_and_check_names_the_refusal(tmp_path, vendor):
    public_file = tmp_path / "vendor.jwks.json"
    public_file.write_text(json.dumps(jose.public_jwk(vendor.private_jwk)))
    with pytest.raises(CommandError, match="no private key"):
        call_command("oauth_ext_statement", "sign", "--key", str(public_file), "--issuer", vendor.issuer,
                     "--software-id", "mail-app")
    with pytest.raises(CommandError, match="--claims must be a JSON object"):
        call_command("oauth_ext_statement", "sign", "--key", str(public_file), "--issuer", vendor.issuer,
                     "--software-id", "mail-app", "--claims", "[]")
    other = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    (tmp_path / "other.json").write_text(json.dumps(other))
    out = StringIO()
    call_command("oauth_ext_statement", "sign", "--key", str(tmp_path / "other.json"), "--issuer", vendor.issuer,
                 "--software-id", "mail-app", stdout=out)
    checked = StringIO()
    with pytest.raises(CommandError):
        call_command("oauth_ext_statement", "check", out.getvalue().strip(), stdout=checked)
    assert json.loads(checked.getvalue())["error"] == "invalid_software_statement"
