"""One clock skew for every JWT we receive, with the per-feature settings still read."""

import pytest

from oauth_ext.client_auth.jwt_assertion import check_claims
from oauth_ext.conf import CLOCK_SKEW_SECTIONS
from oauth_ext.core.errors import InvalidClient
from oauth_ext.core.time_claims import Clock, clock_skew

from ..conftest import ISSUER

NOW = 1_700_000_000


def assertion(**claims):
    return {"iss": "c1", "sub": "c1", "aud": ISSUER, "exp": NOW + 60, "jti": "j1", **claims}


def test_every_feature_reads_the_one_setting(settings):
    assert {clock_skew(s) for s in CLOCK_SKEW_SECTIONS} == {30}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLOCK_SKEW": 5}
    assert {clock_skew(s) for s in CLOCK_SKEW_SECTIONS} == {5}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLOCK_SKEW": 5, "DPOP": {"CLOCK_SKEW": 7}}
    assert clock_skew("DPOP") == 7 and clock_skew("SPIFFE") == 5  # a feature's own setting, set, wins there


def test_an_assertion_from_the_near_future_follows_the_common_skew(settings):
    check_claims(assertion(iat=NOW + 20), client_id="c1", now=NOW)  # within the default 30 s
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLOCK_SKEW": 10}
    with pytest.raises(InvalidClient, match="issued in the future"):
        check_claims(assertion(iat=NOW + 20), client_id="c1", now=NOW)
    with pytest.raises(InvalidClient, match="assertion expired"):
        check_claims(assertion(exp=NOW - 10), client_id="c1", now=NOW)


@pytest.mark.parametrize(("value", "expired"), [(NOW - 31, True), (NOW - 30, True), (NOW - 29, False), (True, True), ("1", True)])
def test_exp_is_a_numeric_date_not_past_the_skew(value, expired):
    assert Clock(now=NOW, skew=30).expired(value) is expired


@pytest.mark.parametrize(("value", "ahead"), [(None, False), (NOW + 30, False), (NOW + 31, True), (float("nan"), True), (False, True)])
def test_iat_and_nbf_may_be_absent_never_ahead(value, ahead):
    assert Clock(now=NOW, skew=30).in_future(value) is ahead
