"""Consent grants: prompt only for what is missing, expiry signals in the token
response (draft-ietf-oauth-refresh-token-expiration-03), enforcement, expiry task,
self-service and admin withdrawal."""

import datetime
from io import StringIO

import jwt
import pytest
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_ext.audit.models import AuditEntry
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import consent_withdrawn, consents_expired
from oauth_ext.consent.tasks import expire_consents

from ..conftest import CALLBACK, DAY, age, refresh


def test_expiry_signals_follow_the_drafts_example(lifetimes, signed_in, token_request):
    body = signed_in()
    assert (body["refresh_token_timeout"], body["authorization_expires_in"]) == (7 * DAY, 10 * DAY)
    age(2)
    _, body, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert body["refresh_token_timeout"] == 7 * DAY
    assert abs(body["authorization_expires_in"] - 8 * DAY) <= 2
    age(5)  # day 7: the refresh token cannot outlive the authorization
    _, body, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert abs(body["refresh_token_timeout"] - 3 * DAY) <= 2 and body["authorization_expires_in"] == body["refresh_token_timeout"]


def test_legacy_names_on_request(lifetimes, signed_in):
    lifetimes(LEGACY_EXPIRY_NAMES=True)
    body = signed_in()
    assert body["refresh_token_expires_in"] == body["refresh_token_timeout"] == 7 * DAY
    assert body["consent_expires_in"] == body["authorization_expires_in"] == 10 * DAY


def test_unbounded_lifetimes_send_nothing(lifetimes, signed_in, client):
    lifetimes(LIFETIME=None, REFRESH_TOKEN_TIMEOUT=None)
    body = signed_in()
    assert "refresh_token_timeout" not in body and "authorization_expires_in" not in body
    assert client.get("/o/.well-known/oauth-authorization-server").json()["refresh_token_expiration_types_supported"] == []


def test_metadata_declares_both_types(lifetimes, client):
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["refresh_token_expiration_types_supported"] == ["authorization", "token_timeout"]


def test_refresh_token_held_too_long_is_invalid_grant(lifetimes, signed_in, token_request):
    body = signed_in()
    age(8)  # "holding the initial RT for 8 days → invalid_grant"
    status, body, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")


def test_refresh_after_the_consent_expired_is_invalid_grant(lifetimes, signed_in, token_request):
    lifetimes(LIFETIME=DAY, REFRESH_TOKEN_TIMEOUT=None)
    body = signed_in()
    ConsentGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    status, body, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize("run", [lambda: expire_consents.delay().get(), lambda: call_command("oauth_ext_expire_consents", stdout=StringIO())])
def test_expiry_task_and_command_revoke_and_signal(lifetimes, signed_in, run, django_capture_on_commit_callbacks):
    signed_in()
    received = []
    consents_expired.connect(lambda sender, consents, **kw: received.extend(consents), weak=False, dispatch_uid="t")
    try:
        run()
        assert not received and ConsentGrant.objects.get().is_active  # nothing lapsed yet
        ConsentGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            run()
    finally:
        consents_expired.disconnect(dispatch_uid="t")
    grant = ConsentGrant.objects.get()
    assert grant.ended == "expired" and grant.revoked_at is not None
    assert [g.pk for g in received] == [grant.pk]
    assert not get_access_token_model().objects.exists() and not get_refresh_token_model().objects.exists()


def test_asks_only_for_what_is_missing(signed_in, client, alice):
    signed_in(scope="mail")
    client.force_login(alice)
    page = client.get("/o/authorize/", {"response_type": "code", "client_id": signed_in.device.client_id,
                                        "redirect_uri": CALLBACK, "scope": "mail contacts",
                                        "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert page.status_code == 200
    assert page.context["consent_new_scopes"] == ["See and change your address book"]
    assert page.context["consent_granted_scopes"] == ["Read and organise your mail"]
    client.logout()
    signed_in(scope="mail contacts")
    assert ConsentGrant.objects.get().scopes == ["mail", "contacts"]


def test_prompt_consent_asks_again(signed_in, client, alice):
    signed_in()
    client.force_login(alice)
    params = {"response_type": "code", "client_id": signed_in.device.client_id, "redirect_uri": CALLBACK,
              "scope": "mail", "code_challenge": "x" * 43, "code_challenge_method": "S256"}
    assert client.get("/o/authorize/", params).status_code == 302
    assert client.get("/o/authorize/", {**params, "prompt": "consent"}).status_code == 200


def test_denying_records_nothing(mail_app, install, client, alice):
    device = install(mail_app)
    client.force_login(alice)
    params = {"response_type": "code", "client_id": device.client_id, "redirect_uri": CALLBACK, "scope": "mail",
              "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s"}
    response = client.post("/o/authorize/?" + "&".join(f"{k}={v}" for k, v in params.items()), params)
    assert "error=access_denied" in response["Location"]
    assert not ConsentGrant.objects.exists()


def test_user_lists_and_withdraws_their_consents(signed_in, client, alice, django_user_model, token_request,
                                                 django_capture_on_commit_callbacks):
    body = signed_in()
    bob = django_user_model.objects.create_user("bob", password="pw")
    grant = ConsentGrant.objects.get()
    client.force_login(bob)
    assert client.get("/o/consents/").json() == []
    assert client.post(f"/o/consents/{grant.pk}/withdraw").status_code == 404
    client.force_login(alice)
    listed = client.get("/o/consents/").json()
    assert [(c["id"], c["scopes"], c["active"]) for c in listed] == [(grant.pk, ["mail"], True)]
    received = []
    consent_withdrawn.connect(lambda sender, consent, by, **kw: received.append((consent.pk, by)), weak=False,
                              dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            withdrawn = client.post(f"/o/consents/{grant.pk}/withdraw").json()
    finally:
        consent_withdrawn.disconnect(dispatch_uid="t")
    assert withdrawn["active"] is False and received == [(grant.pk, alice)]
    status, body, _ = refresh(token_request, signed_in.device, body["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")
    assert client.get("/o/consents/").status_code == 200
    client.logout()
    assert client.get("/o/consents/").status_code == 403


def test_admin_withdraw_action(signed_in, client, make_staff):
    signed_in()
    grant = ConsentGrant.objects.get()
    form = {"action": "withdraw", "_selected_action": [grant.pk]}
    # Seeing consents is not enough to withdraw one.
    client.force_login(make_staff("viewer", "oauth_ext.view_consentgrant"))
    assert "alice" in client.get("/admin/oauth_ext/consentgrant/").content.decode()
    client.post("/admin/oauth_ext/consentgrant/", form)
    grant.refresh_from_db()
    assert grant.revoked_at is None and get_access_token_model().objects.exists()

    client.force_login(make_staff("helpdesk", "oauth_ext.view_consentgrant", "oauth_ext.change_consentgrant"))
    client.post("/admin/oauth_ext/consentgrant/", form)
    grant.refresh_from_db()
    assert grant.ended == "withdrawn" and not get_access_token_model().objects.exists()
    entry = AuditEntry.objects.get(action="consent.withdraw")
    assert entry.actor_repr == "helpdesk" and entry.target_id == str(grant.pk)
    assert entry.before == {"revoked_at": None, "ended": ""} and entry.after["ended"] == "withdrawn"


def test_access_tokens_end_with_the_authorization(lifetimes, signed_in):
    lifetimes(LIFETIME=1800)
    body = signed_in()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    end = ConsentGrant.objects.get().expires_at.timestamp()
    assert abs(claims["exp"] - end) <= 1 and abs(body["expires_in"] - 1800) <= 2
    stored = get_access_token_model().objects.get()
    assert abs(stored.expires.timestamp() - end) <= 2


def test_a_token_for_one_service_keeps_the_refresh_token_and_says_when_it_ends(lifetimes, signed_in, token_request):
    body = signed_in(scope="mail", resource=["imap://mail.example.com", "smtp://mail.example.com"])
    _, single, _ = refresh(token_request, signed_in.device, body["refresh_token"], resource="imap://mail.example.com")
    assert "refresh_token" not in single
    assert (single["refresh_token_timeout"], single["authorization_expires_in"]) == (7 * DAY, 10 * DAY)


def test_a_pushed_request_is_used_up_when_the_consent_skips_the_prompt(signed_in, client, alice):
    from urllib.parse import urlencode

    signed_in()
    device = signed_in.device
    form = {"response_type": "code", "client_id": device.client_id, "redirect_uri": CALLBACK, "scope": "mail",
            "code_challenge": "x" * 43, "code_challenge_method": "S256", **device.auth()}
    pushed = client.post("/o/par/", form).json()
    client.force_login(alice)
    url = "/o/authorize/?" + urlencode({"client_id": device.client_id, "request_uri": pushed["request_uri"]})
    assert "code=" in client.get(url)["Location"]
    assert client.get(url).json()["error"] == "invalid_request_uri"
