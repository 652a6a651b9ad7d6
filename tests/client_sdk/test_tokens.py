"""The client helper refreshes ahead of ``refresh_token_timeout``
(draft-ietf-oauth-refresh-token-expiration-03), against the example project."""

import time

import pytest

from oauth_ext.client_sdk import AssertionSigner, PrivateKeyJWTAuth
from oauth_ext.client_sdk.tokens import DRAFT, RefreshFailed, TokenRefresher, Tokens

from ..conftest import DAY, ISSUER, age

WINDOW = 7 * DAY


def test_deadlines_from_a_token_response():
    tokens = Tokens.from_response({"access_token": "a", "refresh_token": "r", "expires_in": 3600,
                                   "refresh_token_timeout": 604800, "authorization_expires_in": 864000}, now=1000)
    assert (tokens.access_expires_at, tokens.refresh_token_expires_at, tokens.authorization_expires_at) == (
        4600, 605800, 865000)
    assert tokens.refresh_at(margin=60) == 4540
    # A response without a refresh token keeps the one presented; its values describe it (§6.1).
    single = Tokens.from_response({"access_token": "b", "expires_in": 60}, now=2000, previous=tokens)
    assert single.refresh_token == "r" and single.refresh_token_expires_at == 605800
    assert Tokens.from_response({"access_token": "c"}).refresh_at(margin=60) is None
    assert DRAFT == "draft-ietf-oauth-refresh-token-expiration-03"


@pytest.fixture
def refresher(live_server, signed_in):
    def make(margin):
        device = signed_in.device
        signer = AssertionSigner(device.key, client_id=device.client_id, audience=ISSUER)
        return TokenRefresher(f"{live_server.url}/o/token/", auth=PrivateKeyJWTAuth(signer), margin=margin)

    return make


def held_almost_a_week(signed_in):
    """Tokens obtained a week minus 30 s ago, and idle since (on both sides)."""
    body = signed_in()
    body["expires_in"] = 10 * DAY  # only the refresh token's window matters here
    age((WINDOW - 30) / DAY)
    return Tokens.from_response(body, now=time.time() - (WINDOW - 30))


@pytest.mark.django_db(transaction=True)
def test_an_idle_client_refreshes_before_the_timeout(lifetimes, signed_in, refresher):
    lifetimes(LIFETIME=30 * DAY)  # the window, not the authorization, is what ends first
    tokens = held_almost_a_week(signed_in)
    fresh = refresher(60).ensure_fresh(tokens)
    assert fresh.refresh_token != tokens.refresh_token
    assert abs(fresh.refresh_token_expires_at - (time.time() + WINDOW)) < 5  # a new window
    age(1)  # a day later the old one would have timed out; the new one works
    assert refresher(60).refresh(fresh).access_token != fresh.access_token


@pytest.mark.django_db(transaction=True)
def test_without_refreshing_ahead_the_refresh_token_times_out(lifetimes, signed_in, refresher):
    tokens = held_almost_a_week(signed_in)
    lazy = refresher(0)
    assert lazy.ensure_fresh(tokens) is tokens  # 30 s left, no margin: not yet
    age(60 / DAY)
    with pytest.raises(RefreshFailed) as failed:
        lazy.refresh(tokens)
    assert (failed.value.status, failed.value.error) == (400, "invalid_grant")
