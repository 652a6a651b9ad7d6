"""A client gets the scopes it registered (RFC 7591 §2 ``scope``), not every scope
the server knows: asked for none, those; asked for more, ``invalid_scope``."""

import io

import jwt
import pytest
from django.core.management import call_command
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner

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
    call_command("demo_setup", stdout=io.StringIO())
    key = tmp_path / "demo-client" / "demo-service.private.jwk.json"
    signer = AssertionSigner.from_file(key, client_id="demo-service", audience=ISSUER)
    form = {"client_assertion_type": ASSERTION_TYPE}
    status, body, _ = token_request({"grant_type": "client_credentials", **form, "client_assertion": signer.assertion()})
    assert status == 200, body
    assert body["scope"] == "read write" and _claims(body)["scope"] == "read write"
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": "registration", **form,
                                     "client_assertion": signer.assertion()})
    assert status == 400 and body["error"] == "invalid_scope", body


def test_a_client_registered_without_scope_gets_the_default_set_not_every_scope(register, make_client, token_request,
                                                                              client, django_user_model):
    """RFC 7591 §2: without ``scope`` the server registers its default set
    (``DEFAULT_SCOPES``, ``read`` in the example), never ``registration`` or ``introspection``."""
    from urllib.parse import parse_qs, urlencode, urlsplit

    from oauth_ext.client_instances.models import ClientInstance
    from oauth_ext.core import jose

    issuer = make_client(profile={"scope": ["registration"]})
    status, tokens, _ = token_request({"grant_type": "client_credentials", **issuer.form()})
    assert status == 200 and tokens["scope"] == "registration", tokens
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    status, body = register({"redirect_uris": ["https://client.example.org/cb"], "token_endpoint_auth_method": "private_key_jwt",
                             "jwks": {"keys": [jose.public_jwk(key)]}},
                            HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert status == 201 and body["scope"] == "read", body
    assert ClientInstance.objects.get(application__client_id=body["client_id"]).scope == ["read"]
    client.force_login(django_user_model.objects.create_user("u1", password="pw"))
    response = client.get("/o/authorize/?" + urlencode({
        "response_type": "code", "client_id": body["client_id"], "redirect_uri": "https://client.example.org/cb",
        "scope": "read registration", "state": "s", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256"}))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_scope"] and "code" not in query
