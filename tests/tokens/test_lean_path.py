"""The client_credentials path with tokens stored: few round trips, none an UPDATE of
a shared row, nothing read back; the cached client follows every change."""

import hashlib

import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.clients.services import set_client_keys
from oauth_ext.core import jose
from oauth_ext.status_list.models import StatusEntry

from ..conftest import ISSUER


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dpop", [False, True], ids=["bearer", "dpop"])
def test_client_credentials_with_private_key_jwt_takes_at_most_three_round_trips(dpop, warm_token_request):
    registered, body, sqls = warm_token_request(dpop=dpop)
    assert len(sqls) <= 3, sqls
    assert not [s for s in sqls if s.lstrip().upper().startswith("UPDATE")], sqls
    assert not [s for s in sqls if s.startswith('SELECT') and "oauth2_provider_accesstoken" in s], sqls  # nothing read back
    checksum = hashlib.sha256(body["access_token"].encode()).hexdigest()
    token = get_access_token_model().objects.get(token_checksum=checksum)  # stored, with its status entry
    assert token.application_id == registered.app.pk
    assert StatusEntry.objects.filter(token_checksum=checksum, status=0).count() == 1


def test_new_keys_take_effect_on_the_next_request(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body  # the client is cached now
    old = registered.private_jwk
    registered.private_jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ES256")
    set_client_keys(registered.app, method="private_key_jwt", jwks={"keys": [jose.public_jwk(registered.private_jwk)]})
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body
    registered.private_jwk = old
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert (status, body["error"]) == (401, "invalid_client")


def test_a_deleted_client_is_refused_on_the_next_request(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body
    registered.app.delete()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert (status, body["error"]) == (401, "invalid_client")
    assert not get_access_token_model().objects.filter(application__client_id=registered.client_id).exists()


def test_a_renamed_client_id_stops_authenticating(make_client, token_request):
    registered = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body
    old_form = registered.form()
    registered.app.client_id = registered.client_id + "-renamed"
    registered.app.save()
    status, body, _ = token_request({"grant_type": "client_credentials", **old_form})
    assert (status, body["error"]) == (401, "invalid_client")
    status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    assert status == 200, body


def test_a_revoked_instance_is_refused_on_the_next_request(vendor, register, token_request):
    vendor.publisher.allowed_grant_types = ["client_credentials"]
    vendor.publisher.save()
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    status, body = register({"software_statement": vendor.statement(grant_types=["client_credentials"], redirect_uris=None),
                             "jwks": {"keys": [jose.public_jwk(key)]}})
    assert status == 201, body
    signer = AssertionSigner(key, client_id=body["client_id"], audience=ISSUER)

    def request():
        return token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                              "client_assertion": signer.assertion()})

    status, answer, _ = request()
    assert status == 200, answer
    status, answer, _ = request()  # served from the cache
    assert status == 200, answer
    revoke_instance(ClientInstance.objects.get(application__client_id=body["client_id"]))
    status, answer, _ = request()
    assert (status, answer["error"]) == (401, "invalid_client")
    assert not get_access_token_model().objects.filter(application__client_id=body["client_id"]).exists()


def test_app_authorized_is_sent_with_the_saved_token(make_client, token_request):
    from oauth2_provider.signals import app_authorized

    received = []

    def receiver(sender, request, token, **kwargs):
        received.append(token)

    app_authorized.connect(receiver)
    try:
        registered = make_client()
        status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
    finally:
        app_authorized.disconnect(receiver)
    assert status == 200, body
    assert len(received) == 1
    stored = get_access_token_model().objects.get(token_checksum=hashlib.sha256(body["access_token"].encode()).hexdigest())
    assert received[0].pk == stored.pk and received[0].application_id == registered.app.pk
