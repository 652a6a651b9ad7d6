"""RFC 6749 §4.1.2: a code used twice is refused, and what its first use issued is
revoked: access and refresh tokens, rotated ones included, and their status-list entries."""

import pytest

from oauth_ext.bcp.models import CodeRedemption
from oauth_ext.status_list.encoding import INVALID, VALID

from .flows import Application, access_token_exists, checksum, redeem, refresh, refresh_token_revoked, status_of


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


def test_replayed_code_revokes_the_tokens_of_its_first_use(make_client, authorize, token_request, alice,
                                                           django_capture_on_commit_callbacks):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    exchange = authorize(registered, alice)
    status, first = redeem(token_request, registered, exchange)
    assert status == 200, first
    status, rotated = refresh(token_request, registered, first["refresh_token"])
    assert status == 200, rotated
    assert access_token_exists(rotated["access_token"]) and status_of(rotated["access_token"]) == VALID

    with django_capture_on_commit_callbacks(execute=True):
        status, replay = redeem(token_request, registered, exchange)
    assert (status, replay["error"]) == (400, "invalid_grant")
    assert not access_token_exists(rotated["access_token"])
    assert refresh_token_revoked(rotated["refresh_token"])
    assert status_of(first["access_token"]) == status_of(rotated["access_token"]) == INVALID
    assert CodeRedemption.objects.get(code_checksum=checksum(exchange["code"])).replayed_at is not None
    status, body = refresh(token_request, registered, rotated["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")


def test_replay_by_another_client_also_revokes(make_client, authorize, token_request, alice):
    """A code presented twice has leaked, whoever presents it the second time."""
    registered, thief = (make_client(grant=Application.GRANT_AUTHORIZATION_CODE) for _ in range(2))
    exchange = authorize(registered, alice)
    status, first = redeem(token_request, registered, exchange)
    assert status == 200, first
    status, replay = redeem(token_request, thief, exchange)
    assert (status, replay["error"]) == (400, "invalid_grant")
    assert not access_token_exists(first["access_token"]) and refresh_token_revoked(first["refresh_token"])


def test_unknown_code_revokes_nothing(make_client, authorize, token_request, alice):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    status, first = redeem(token_request, registered, authorize(registered, alice))
    assert status == 200, first
    status, body = redeem(token_request, registered, {**authorize(registered, alice), "code": "never-issued"})
    assert (status, body["error"]) == (400, "invalid_grant")
    assert access_token_exists(first["access_token"]) and not refresh_token_revoked(first["refresh_token"])
    assert CodeRedemption.objects.filter(replayed_at__isnull=False).count() == 0
