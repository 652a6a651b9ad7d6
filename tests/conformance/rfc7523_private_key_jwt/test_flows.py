"""Whole flows with private_key_jwt: authorization code with PKCE, refresh, revocation."""

import jwt
import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_application_model

from ...conftest import basic_auth


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alice", password="correct horse")


def test_authorization_code_flow_with_private_key_jwt(make_client, token_request, authorize, user):
    registered = make_client(grant=get_application_model().GRANT_AUTHORIZATION_CODE)
    data = authorize(registered, user)
    del data["client_id"]
    status, body, _ = token_request({**data, **registered.form()})
    assert status == 200, body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(user.pk)
    assert claims["client_id"] == registered.client_id
    assert body["refresh_token"].count(".") == 0  # refresh tokens stay opaque

    # Refresh, authenticating again with a fresh assertion.
    status, refreshed, _ = token_request(
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"], **registered.form()}
    )
    assert status == 200, refreshed
    assert refreshed["access_token"] != body["access_token"]

    # A bad assertion on refresh is refused and the refresh token survives.
    status, refused, _ = token_request(
        {"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
         **registered.form(registered.assertion(aud="https://evil.example.com"))}
    )
    assert (status, refused["error"]) == (401, "invalid_client")
    status, again, _ = token_request(
        {"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"], **registered.form()}
    )
    assert status == 200, again

    # The code is single use, whatever the client proves; its replay ends what it started.
    status, body2, _ = token_request({**data, **registered.form()})
    assert (status, body2["error"]) == (400, "invalid_grant")
    status, body3, _ = token_request(
        {"grant_type": "refresh_token", "refresh_token": again["refresh_token"], **registered.form()}
    )
    assert (status, body3["error"]) == (400, "invalid_grant")


def test_private_key_jwt_client_cannot_fall_back_to_its_secret(make_client, token_request, authorize, user):
    """A leftover DOT secret is no way around the registered method."""
    registered = make_client(grant=get_application_model().GRANT_AUTHORIZATION_CODE, hash_client_secret=False)
    data = authorize(registered, user)
    del data["client_id"]
    status, body, _ = token_request(data, **basic_auth(registered.client_id, registered.secret))
    assert (status, body["error"]) == (401, "invalid_client")
    status, body, _ = token_request({**data, "client_id": registered.client_id, "client_secret": registered.secret})
    assert (status, body["error"]) == (401, "invalid_client")
    status, body, _ = token_request({**data, **registered.form()})
    assert status == 200, body
