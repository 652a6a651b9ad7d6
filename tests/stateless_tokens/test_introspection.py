"""RFC 7662 introspection of stateless tokens: the answer a stored token gets."""

import jwt
import pytest
from django.utils import timezone

from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import jose
from oauth_ext.stateless_tokens.models import StatelessToken
from oauth_ext.stateless_tokens.services import prune

from .conftest import checksum


@pytest.mark.parametrize("dpop", [False, True], ids=["bearer", "dpop"])
def test_stateless_answer_matches_the_stored_one(dpop, settings, issue, make_client, introspect):
    registered, key = make_client(), DPoPKey.generate() if dpop else None
    stateless_token = issue(key, client=registered)
    conf = settings.OAUTH_EXT
    settings.OAUTH_EXT = {**conf, "ACCESS_TOKENS": {**conf["ACCESS_TOKENS"], "STATELESS": False}}
    stored_token = issue(key, client=registered)
    settings.OAUTH_EXT = conf
    stateless, stored = introspect(stateless_token), introspect(stored_token)
    assert stateless["active"] is True
    assert set(stateless) == set(stored)
    differs = {"exp"}
    assert {k: v for k, v in stateless.items() if k not in differs} == {k: v for k, v in stored.items() if k not in differs}
    claims = jwt.decode(stateless_token, options={"verify_signature": False})
    assert abs(stateless["exp"] - claims["exp"]) <= 1
    assert stateless["client_id"] == registered.client_id and stateless["scope"] == "read"
    if dpop:
        assert stateless["token_type"] == "DPoP" and stateless["cnf"] == {"jkt": jose.jwk_thumbprint(key.public_jwk)}


def test_user_tokens_name_the_user(mail_tokens, alice, introspect):
    _, per_service = mail_tokens(alice)
    for resource, token in per_service.items():
        body = introspect(token)
        assert body["active"] is True and body["username"] == "alice"
        assert resource in (body["aud"] if isinstance(body["aud"], list) else [body["aud"]])


def test_expired_or_unknown_tokens_are_inactive(issue, introspect):
    expired = issue()
    assert introspect(expired)["active"] is True
    StatelessToken.objects.filter(entry__token_checksum=checksum(expired)).update(expires=timezone.now())
    assert introspect(expired) == {"active": False}
    assert introspect("opaque-value") == {"active": False}
    assert StatelessToken.objects.filter(entry__token_checksum=checksum(expired)).count() == 1
    assert prune() == 1 and not StatelessToken.objects.exists()


def test_dpop_bound_stateless_tokens_stay_bound(issue, call_api):
    key = DPoPKey.generate()
    token = issue(key)
    assert call_api(token, key).status_code == 200
    for response in (call_api(token, DPoPKey.generate()), call_api(token, scheme="Bearer")):
        assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    missing = call_api(token, scheme="DPoP")
    assert (missing.status_code, missing.json()["error"]) == (401, "invalid_dpop_proof")


def test_the_database_mode_does_not_know_them(settings, issue, call_api):
    """The price of the mode: DOT's table lookup (TOKEN_VALIDATION "database") refuses them."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "database"}}
    key = DPoPKey.generate()
    response = call_api(issue(key), key)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
