"""A client gets the scopes it registered (RFC 7591 §2 ``scope``), not every scope
the server knows: asked for none, those; asked for more, ``invalid_scope``."""

import jwt
import pytest
from django.core.management import call_command
from oauth2_provider.models import get_access_token_model

from oauth_ext.client import ASSERTION_TYPE, AssertionSigner

from ..conftest import ISSUER


def _claims(body):
    return jwt.decode(body["access_token"], options={"verify_signature": False})


def test_a_client_without_scope_gets_only_its_registered_scopes(make_client, token_request):
    registered = make_client(profile={"scope": ["read", "write"]})
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body
    assert body["scope"] == "read write"
    assert _claims(body)["scope"] == "read write"
    assert set(get_access_token_model().objects.get(application=registered.app).scope.split()) == {"read", "write"}


@pytest.mark.parametrize("scope", ["introspection", "read registration"])
def test_a_scope_beyond_the_registered_ones_is_invalid_scope(make_client, token_request, scope):
    registered = make_client(profile={"scope": ["read"]})
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": scope, **registered.form()})
    assert status == 400 and body["error"] == "invalid_scope", body
    assert not get_access_token_model().objects.filter(application=registered.app).exists()


def test_a_client_that_registered_no_scope_keeps_dots_defaults(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": "introspection", **registered.form()})
    assert status == 200 and body["scope"] == "introspection", body


def test_an_unknown_registered_scope_is_a_validation_error(make_client):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown scopes: nope"):
        make_client(profile={"scope": ["read", "nope"]})


def test_the_example_projects_demo_client_gets_its_scopes_only(db, settings, tmp_path, token_request):
    settings.VAR_DIR = tmp_path
    call_command("demo_setup", stdout=open("/dev/null", "w"))
    key = tmp_path / "demo-client" / "demo-service.private.jwk.json"
    signer = AssertionSigner.from_file(key, client_id="demo-service", audience=ISSUER)
    form = {"client_assertion_type": ASSERTION_TYPE}
    status, body, _ = token_request({"grant_type": "client_credentials", **form, "client_assertion": signer.assertion()})
    assert status == 200, body
    assert body["scope"] == "read write" and _claims(body)["scope"] == "read write"
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": "registration", **form,
                                     "client_assertion": signer.assertion()})
    assert status == 400 and body["error"] == "invalid_scope", body
