"""DOT's own methods keep working, and a profile pins each client to its method."""

import pytest
from oauth2_provider.models import get_application_model

from ..conftest import basic_auth


def test_client_secret_basic_without_profile(make_client, token_request):
    client = make_client(None)
    status, body, _ = token_request({"grant_type": "client_credentials"}, **basic_auth(client.client_id, client.secret))
    assert status == 200, body


def test_client_secret_post_without_profile(make_client, token_request):
    client = make_client(None)
    status, body, _ = token_request({"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": client.secret})
    assert status == 200, body


def test_wrong_secret_still_invalid_client(make_client, token_request):
    client = make_client(None)
    status, body, _ = token_request({"grant_type": "client_credentials"}, **basic_auth(client.client_id, "wrong"))
    assert (status, body["error"]) == (401, "invalid_client")


@pytest.mark.parametrize(("registered", "used", "expected"), [
    ("client_secret_basic", "basic", 200),
    ("client_secret_basic", "post", 401),
    ("client_secret_post", "post", 200),
    ("client_secret_post", "basic", 401),
])
def test_registered_secret_method_is_enforced(make_client, token_request, registered, used, expected):
    client = make_client(registered)
    if used == "basic":
        status, body, _ = token_request({"grant_type": "client_credentials"}, **basic_auth(client.client_id, client.secret))
    else:
        status, body, _ = token_request({"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": client.secret})
    assert status == expected, body


def test_two_mechanisms_at_once_is_invalid_request(make_client, token_request):
    client = make_client("private_key_jwt", hash_client_secret=False)
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()}, **basic_auth(client.client_id, client.secret))
    assert (status, body["error"]) == (400, "invalid_request")
    status, body, _ = token_request({"grant_type": "client_credentials", "client_secret": client.secret, **client.form()})
    assert (status, body["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("profile", [None, "none"])
def test_public_client_with_pkce(make_client, token_request, authorize, profile, django_user_model):
    Application = get_application_model()
    registered = make_client(profile, grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("bob", password="pw")
    status, body, _ = token_request(authorize(registered, user))
    assert status == 200, body


def test_public_client_registered_for_keys_cannot_go_unauthenticated(make_client, token_request, authorize, django_user_model):
    Application = get_application_model()
    registered = make_client("private_key_jwt", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("carol", password="pw")
    data = authorize(registered, user)
    status, body, _ = token_request(data)
    assert (status, body["error"]) == (401, "invalid_client")
    del data["client_id"]
    status, body, _ = token_request({**data, **registered.form()})
    assert status == 200, body
