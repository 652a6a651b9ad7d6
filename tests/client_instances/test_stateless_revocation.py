"""A revoked stateless instance never comes back: pruning keeps the revocation while the
client_id could still verify, and a client_id older than STATELESS_MAX_AGE verifies no more.

"The clock moves" by issuing the client_id in the past and moving its row's times back
by as much, past both prune limits (NEVER_USED_AFTER and UNUSED_AFTER)."""

from __future__ import annotations

import datetime
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances import stateless
from oauth_ext.client_instances.models import ClientInstance, InstanceTemplate
from oauth_ext.client_instances.services import prune, revoke_instance
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.conf import app_settings
from oauth_ext.core import jose

from ..conftest import ISSUER

Application = get_application_model()
DAY = 86_400


def past_both_prune_limits() -> int:
    conf = app_settings.CLIENT_INSTANCES
    return conf.NEVER_USED_AFTER + conf.UNUSED_AFTER + DAY


@pytest.fixture
def publisher(vendor):
    vendor.publisher.allow_stateless = True
    vendor.publisher.allowed_grant_types = ["client_credentials"]
    vendor.publisher.save()
    return vendor


@pytest.fixture
def install(publisher, register):
    """A stateless instance whose client_id was issued ``age`` seconds ago."""

    def make(age: int = 0) -> Install:
        key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        statement = publisher.statement(grant_types=["client_credentials"], redirect_uris=None)
        status, body = register({"software_statement": statement, "jwks": {"keys": [jose.public_jwk(key)]}})
        assert status == 201, body
        client_id = body["client_id"]
        if age:
            template = InstanceTemplate.objects.get(pk=stateless.decode(client_id)[0])
            client_id = stateless.issue_client_id(template, jose.public_jwk(key), now=time.time() - age)
        return Install(client_id, key)

    return make


class Install:
    def __init__(self, client_id: str, key: dict) -> None:
        self.client_id = client_id
        self.signer = AssertionSigner(key, client_id=client_id, audience=ISSUER, send_public_key=True)

    def token(self, token_request) -> tuple[int, dict]:
        status, body, _ = token_request({"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                         "client_assertion": self.signer.assertion()})
        return status, body

    def rows(self):
        return ClientInstance.objects.filter(application__client_id=self.client_id)

    def move_back(self, seconds: int) -> None:
        """The row's times as if it had been written ``seconds`` earlier."""
        back = datetime.timedelta(seconds=seconds)
        rows = self.rows()
        rows.update(created_at=F("created_at") - back)
        rows.filter(last_used_at__isnull=False).update(last_used_at=F("last_used_at") - back)
        rows.filter(revoked_at__isnull=False).update(revoked_at=F("revoked_at") - back)


def test_revoked_never_used_instance_stays_revoked_after_pruning(install, token_request):
    device = install(age=past_both_prune_limits())
    call_command("oauth_ext_revoke_instance", device.client_id, stdout=StringIO())
    device.move_back(past_both_prune_limits())
    assert prune() == 0
    status, body = device.token(token_request)
    assert (status, body["error"]) == (401, "invalid_client")
    assert device.rows().count() == 1 and device.rows().get().revoked_at is not None


def test_revoked_used_instance_stays_revoked_after_pruning(install, token_request):
    device = install(age=past_both_prune_limits())
    status, body = device.token(token_request)
    assert status == 200, body
    revoke_instance(device.rows().get())
    device.move_back(past_both_prune_limits())
    assert prune() == 0
    status, body = device.token(token_request)
    assert (status, body["error"]) == (401, "invalid_client")
    assert device.rows().count() == 1 and device.rows().get().revoked_at is not None


def test_client_id_older_than_its_maximum_age_is_refused(install, token_request):
    device = install(age=app_settings.CLIENT_INSTANCES.STATELESS_MAX_AGE + 60)
    status, body = device.token(token_request)
    assert (status, body["error"]) == (401, "invalid_client")
    assert not Application.objects.filter(client_id=device.client_id).exists()


def test_used_instance_ages_out_too(install, token_request, settings):
    device = install(age=30 * DAY)
    status, body = device.token(token_request)
    assert status == 200, body
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_INSTANCES": {"STATELESS_MAX_AGE": 29 * DAY}}
    status, body = device.token(token_request)
    assert (status, body["error"]) == (401, "invalid_client")


def test_revocation_is_pruned_once_the_client_id_cannot_verify(install, token_request, settings):
    device = install(age=past_both_prune_limits())
    assert device.token(token_request)[0] == 200
    revoke_instance(device.rows().get())
    device.move_back(past_both_prune_limits())
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CLIENT_INSTANCES": {"STATELESS_MAX_AGE": past_both_prune_limits() - DAY}}
    assert prune() == 1
    status, body = device.token(token_request)
    assert (status, body["error"]) == (401, "invalid_client")
    assert not Application.objects.filter(client_id=device.client_id).exists()


def test_unrevoked_stateless_instance_is_pruned_and_comes_back_on_use(install, token_request):
    """Its row is only a cache of the client_id: pruning it revokes nothing."""
    device = install(age=past_both_prune_limits())
    assert device.token(token_request)[0] == 200
    device.move_back(past_both_prune_limits())
    assert prune() == 1 and not device.rows().exists()
    status, body = device.token(token_request)
    assert status == 200, body
    assert device.rows().get().revoked_at is None
