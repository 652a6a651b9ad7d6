"""RFC 7009 revocation, instance revocation and consent withdrawal of stateless
tokens, seen through introspection, the status entry and the API in ``jwt`` mode."""

import time

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import withdraw
from oauth_ext.core import jose
from oauth_ext.core.keys import active_key
from oauth_ext.status_list.encoding import INVALID, VALID

from .conftest import entry_status


@pytest.fixture
def revoke(client):
    def run(token, registered, **extra):
        return client.post("/o/revoke_token/", {"token": token, **registered.form(), **extra})

    return run


def test_rfc7009_revocation_ends_the_token_everywhere(issue, make_client, revoke, introspect, call_api,
                                                      django_capture_on_commit_callbacks):
    registered, key = make_client(), DPoPKey.generate()
    token = issue(key, client=registered)
    assert call_api(token, key).status_code == 200
    assert introspect(token)["active"] is True
    with django_capture_on_commit_callbacks(execute=True):  # the list rebuilds after commit
        response = revoke(token, registered, token_type_hint="access_token")
    assert response.status_code == 200 and response.content == b""
    assert entry_status(token) == INVALID
    assert introspect(token) == {"active": False}
    refused = call_api(token, key)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_token")
    assert not get_access_token_model().objects.exists()


def _forged(token: str) -> str:
    """The same claims and header, signed by a key that is not the server's."""
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    other = jose.load_private_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    return jwt.encode(claims, other, algorithm="ES256", headers={"kid": header["kid"], "typ": header["typ"]})


def test_forged_foreign_or_another_clients_token_is_ignored(issue, make_client, revoke, introspect,
                                                            django_capture_on_commit_callbacks):
    """RFC 7009 §2.2: 200 whatever the token; nothing changes unless it is the caller's own."""
    owner, other = make_client(), make_client()
    token = issue(client=owner)
    now = int(time.time())
    foreign = jwt.encode({"iss": "https://elsewhere.example", "exp": now + 300, "sub": "x"}, "s" * 32, algorithm="HS256")
    own_key_wrong_issuer = active_key().sign({"iss": "https://elsewhere.example", "exp": now + 300},
                                             typ="at+jwt")
    with django_capture_on_commit_callbacks(execute=True):
        for presented, caller in [(_forged(token), owner), (foreign, owner), (own_key_wrong_issuer, owner),
                                  ("not-a-jwt", owner), (token, other)]:
            response = revoke(presented, caller)
            assert response.status_code == 200 and response.content == b"", presented
    assert entry_status(token) == VALID
    assert introspect(token)["active"] is True
    assert introspect(_forged(token)) == {"active": False}


def test_a_bad_client_at_revocation_is_refused(issue, make_client, client):
    registered = make_client()
    token = issue(client=registered)
    form = registered.form(registered.assertion(exp=int(time.time()) - 60))
    response = client.post("/o/revoke_token/", {"token": token, **form})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert entry_status(token) == VALID


def test_instance_revocation_ends_its_tokens_not_the_other_devices(mail_tokens, alice, introspect, token_request,
                                                                  django_capture_on_commit_callbacks):
    laptop, laptop_tokens = mail_tokens(alice, "laptop")
    phone, phone_tokens = mail_tokens(alice, "phone")
    with django_capture_on_commit_callbacks(execute=True):
        revoke_instance(ClientInstance.objects.get(application__client_id=laptop.client_id))
    for token in laptop_tokens.values():
        assert entry_status(token) == INVALID
        assert introspect(token) == {"active": False}
    for token in phone_tokens.values():
        assert entry_status(token) == VALID
        assert introspect(token)["active"] is True
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": phone.tokens["refresh_token"],
                                     "resource": next(iter(phone_tokens)), **phone.auth()})
    assert status == 200, body
    assert introspect(body["access_token"])["active"] is True
    status, body, _ = token_request({"grant_type": "client_credentials", **laptop.auth()})
    assert (status, body["error"]) == (401, "invalid_client")


def test_consent_withdrawal_ends_the_tokens_it_backs(mail_tokens, alice, django_user_model, introspect,
                                                     django_capture_on_commit_callbacks):
    bob = django_user_model.objects.create_user("bob", password="pw")
    _, alice_tokens = mail_tokens(alice, "laptop")
    _, bob_tokens = mail_tokens(bob, "laptop")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(ConsentGrant.objects.get(user=alice))
    for token in alice_tokens.values():
        assert entry_status(token) == INVALID
        assert introspect(token) == {"active": False}
    for token in bob_tokens.values():
        assert entry_status(token) == VALID
        assert introspect(token)["active"] is True


def test_deleting_a_client_ends_its_stateless_tokens(issue, make_client, introspect, call_api,
                                                     django_capture_on_commit_callbacks):
    registered, other, key = make_client(), make_client(), DPoPKey.generate()
    token, kept = issue(key, client=registered), issue(key, client=other)
    with django_capture_on_commit_callbacks(execute=True):
        registered.app.delete()
    assert entry_status(token) == INVALID and entry_status(kept) == VALID
    assert introspect(token) == {"active": False} and introspect(kept)["active"] is True
    refused = call_api(token, key)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_token")
    assert call_api(kept, key).status_code == 200


def test_tokens_issued_before_the_mode_was_turned_off_stay_revocable(settings, issue, make_client, revoke,
                                                                    mail_tokens, alice, introspect):
    registered = make_client()
    token = issue(client=registered)
    laptop, per_service = mail_tokens(alice)
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ACCESS_TOKENS": {"STATELESS": False}}
    assert introspect(token) == {"active": False}  # no longer accepted unchecked: refused
    assert revoke(token, registered).status_code == 200
    assert entry_status(token) == INVALID
    revoke_instance(ClientInstance.objects.get(application__client_id=laptop.client_id))
    assert [entry_status(t) for t in per_service.values()] == [INVALID] * len(per_service)
