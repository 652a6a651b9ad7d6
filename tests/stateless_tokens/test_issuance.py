"""Issuing a stateless token: no AccessToken row, one statement for entry and record."""

import jwt
import pytest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_ext.stateless_tokens.models import StatelessToken
from oauth_ext.status_list.models import StatusEntry

from .conftest import checksum


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dpop", [False, True], ids=["bearer", "dpop"])
def test_client_credentials_writes_no_access_token_row_in_one_round_trip(dpop, warm_token_request):
    registered, body, sqls = warm_token_request(dpop=dpop)
    assert len(sqls) == 1, sqls  # the status entry and the side record, one statement
    assert not [s for s in sqls if "UPDATE" in s.upper() or "oauth2_provider_accesstoken" in s], sqls
    assert not get_access_token_model().objects.filter(application=registered.app).exists()
    entry = StatusEntry.objects.get(token_checksum=checksum(body["access_token"]))
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (entry.status, entry.idx) == (0, claims["status"]["status_list"]["idx"])
    record = StatelessToken.objects.get(entry=entry)
    assert (record.application_id, record.user_id) == (registered.app.pk, None)
    assert abs(record.expires.timestamp() - claims["exp"]) < 2


def test_tokens_without_a_refresh_token_go_unstored_those_with_one_stay(mail_tokens, alice, token_request):
    """A code exchange answers a refresh token: its access token stays in DOT's table
    (DOT's refresh-token checks read it). Tokens per service from that refresh token
    come without a new refresh token: stateless, bound to the user and the device."""
    device, per_service = mail_tokens(alice)
    stored = get_access_token_model().objects.get()
    assert stored.token_checksum == checksum(device.tokens["access_token"])
    assert StatusEntry.objects.filter(token_checksum=stored.token_checksum).exists()
    assert not StatelessToken.objects.filter(entry__token_checksum=stored.token_checksum).exists()
    records = StatelessToken.objects.filter(entry__token_checksum__in=[checksum(t) for t in per_service.values()])
    assert {(r.user_id, r.application_id) for r in records} == {(alice.pk, stored.application_id)}
    assert records.count() == len(per_service) == 2  # IMAP and SMTP
    rt = get_refresh_token_model().objects.get(token_checksum=checksum(device.tokens["refresh_token"]))
    assert rt.access_token_id == stored.pk and rt.revoked is None  # the refresh token kept, and still usable
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": device.tokens["refresh_token"],
                                     "resource": next(iter(per_service)), **device.auth()})
    assert status == 200 and "refresh_token" not in body, body


def test_stored_mode_is_unchanged(settings, issue):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ACCESS_TOKENS": {"STATELESS": False}}
    token = issue()
    assert get_access_token_model().objects.filter(token_checksum=checksum(token)).exists()
    assert StatusEntry.objects.filter(token_checksum=checksum(token)).exists()
    assert not StatelessToken.objects.exists()
