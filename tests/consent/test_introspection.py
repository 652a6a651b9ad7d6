"""Refresh-token introspection (draft-ietf-oauth-refresh-token-expiration-03 §7): the
same expiry values as the token response, only for refresh tokens, and reading them
never resets the idle timeout."""

import hashlib

from oauth2_provider.models import get_refresh_token_model

from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import withdraw

from ..conftest import DAY, age, refresh


def updated(refresh_token):
    checksum = hashlib.sha256(refresh_token.encode()).hexdigest()  # stored hashed (RFC 9700 token storage)
    return get_refresh_token_model().objects.get(token_checksum=checksum).updated


def test_the_drafts_example_through_introspection(lifetimes, signed_in, token_request, introspect, alice):
    body = signed_in()
    answer = introspect(body["refresh_token"])
    assert answer["active"] is True
    assert (answer["refresh_token_timeout"], answer["authorization_expires_in"]) == (7 * DAY, 10 * DAY)
    assert (answer["client_id"], answer["username"], answer["scope"]) == (signed_in.device.client_id, "alice", "mail")
    age(2)  # Day 2, before the refresh: two days of the exchange window are gone
    answer = introspect(body["refresh_token"])
    assert (answer["refresh_token_timeout"], answer["authorization_expires_in"]) == (5 * DAY, 8 * DAY)
    status, renewed, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert status == 200, renewed
    answer = introspect(renewed["refresh_token"])  # Day 2, after it: 7 days / 8 days
    assert (answer["refresh_token_timeout"], answer["authorization_expires_in"]) == (7 * DAY, 8 * DAY)
    assert introspect(body["refresh_token"]) == {"active": False}  # rotated away


def test_introspection_never_resets_the_timeout(lifetimes, signed_in, token_request, introspect):
    body = signed_in()
    age(6)
    before = updated(body["refresh_token"])
    assert introspect(body["refresh_token"])["refresh_token_timeout"] == DAY
    assert updated(body["refresh_token"]) == before
    age(2)  # 8 days unused: expired although it was introspected on day 6
    assert introspect(body["refresh_token"]) == {"active": False}
    status, answer, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert (status, answer["error"]) == (400, "invalid_grant")


def test_access_tokens_carry_no_refresh_token_expiry(lifetimes, signed_in, introspect):
    """§7: "returned only when the presented token is a refresh token"."""
    answer = introspect(signed_in()["access_token"])
    assert answer["active"] is True
    assert "refresh_token_timeout" not in answer and "authorization_expires_in" not in answer


def test_unbounded_lifetimes_send_no_expiry(lifetimes, signed_in, introspect):
    lifetimes(LIFETIME=None, REFRESH_TOKEN_TIMEOUT=None)
    answer = introspect(signed_in()["refresh_token"])
    assert answer["active"] is True and "exp" not in answer
    assert "refresh_token_timeout" not in answer and "authorization_expires_in" not in answer


def test_a_withdrawn_consent_ends_the_refresh_token(lifetimes, signed_in, introspect):
    body = signed_in()
    withdraw(ConsentGrant.objects.get())
    assert introspect(body["refresh_token"]) == {"active": False}


def test_unknown_tokens_are_inactive(db, introspect):
    assert introspect("no-such-token") == {"active": False}
