"""``python -m oauth_ext.client_sdk register``: an installation registers itself from the
command line with its vendor's statement and its own key, in one command."""

import json
import subprocess
import sys

import pytest
import requests

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_sdk.registration import sign_statement
from oauth_ext.core import jose


def _register(live_server, statement, key_file, *extra):
    return subprocess.run(
        [sys.executable, "-m", "oauth_ext.client_sdk", "register", "--registration-endpoint", f"{live_server.url}/o/registration/",
         "--software-statement", statement, "--key", str(key_file), *extra],
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_register_prints_client_id_and_registration_access_token(live_server, vendor, tmp_path):
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    key_file = tmp_path / "install.private.jwk.json"
    key_file.write_text(json.dumps(key))
    (tmp_path / "statement.jwt").write_text(vendor.statement() + "\n")
    done = _register(live_server, f"@{tmp_path / 'statement.jwt'}", key_file, "--metadata", '{"device_label": "laptop"}')
    assert done.returncode == 0, done.stderr + done.stdout
    answer = json.loads(done.stdout)
    instance = ClientInstance.objects.select_related("application__oauth_ext_profile").get(
        application__client_id=answer["client_id"])
    assert instance.device_label == "laptop" and instance.software_id == "mail-app"
    assert instance.application.oauth_ext_profile.jwks == {"keys": [jose.public_jwk(key)]}
    managed = requests.get(f"{live_server.url}/o/registration/{answer['client_id']}", timeout=30,
                           headers={"Authorization": f"Bearer {answer['registration_access_token']}"})
    assert managed.status_code == 200 and managed.json()["client_id"] == answer["client_id"]


@pytest.mark.django_db(transaction=True)
def test_register_with_an_untrusted_statement_fails_with_the_servers_error(live_server, vendor, tmp_path):
    stranger = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    key_file = tmp_path / "install.private.jwk.json"
    key_file.write_text(json.dumps(stranger))
    statement = sign_statement(stranger, issuer=vendor.issuer, software_id="mail-app",
                               claims={"redirect_uris": ["http://127.0.0.1/callback"]})
    done = _register(live_server, statement, key_file)
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"] == "invalid_software_statement"
    assert not ClientInstance.objects.exists()
