"""Dovecot 2.3 (Debian's packages) accepts our tokens: its oauth2 passdb asks our
introspection endpoint on the live server, and Python's imaplib and smtplib log in
with OAUTHBEARER (RFC 7628) and XOAUTH2."""

from __future__ import annotations

import datetime
import email.message
import json
import secrets
import smtplib

import pytest
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import withdraw

from ..dovecot import Dovecot, Relay, imap_login, smtp_login

pytestmark = pytest.mark.django_db(transaction=True)

IMAP = "imap://mail.example.com"
SMTP = "smtp://mail.example.com"
MECHANISMS = ["OAUTHBEARER", "XOAUTH2"]


INTROSPECTOR = {"client_id": "dovecot-test", "client_secret": secrets.token_urlsafe(32)}


@pytest.fixture(scope="module")
def relay():
    server = Relay()
    yield server
    server.close()


@pytest.fixture(scope="module")
def dovecot_server(live_server, relay):
    """IMAP wants the ``mail`` scope and audience, submission ``mail.send`` and its own."""
    server = Dovecot.start(introspection_url=f"{live_server.url}/o/introspect/", relay_port=relay.port,
                           services={"imap": ("mail", IMAP), "submission": ("mail.send", SMTP)}, **INTROSPECTOR)
    yield server
    server.stop()


@pytest.fixture
def dovecot(dovecot_server, relay, db):
    """The running Dovecot, and its introspection client (a confidential client) in this test's database."""
    get_application_model().objects.create(
        name="Mail server", client_type="confidential", authorization_grant_type="client-credentials", **INTROSPECTOR)
    relay.messages.clear()
    yield dovecot_server
    print(dovecot_server.log())  # shown when a test fails


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", email="alice@example.com", password="pw")


def refused(challenges: list[bytes], mechanism: str) -> bool:
    """Dovecot's error challenge: RFC 7628 §3.2.2 JSON (XOAUTH2: Google's form)."""
    assert len(challenges) == 1, challenges
    body = json.loads(challenges[0])
    return body["status"] == ("invalid_token" if mechanism == "OAUTHBEARER" else "401")


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_an_imap_token_logs_in_and_an_smtp_token_sends(dovecot, relay, mail_tokens, alice, mechanism):
    _, tokens = mail_tokens(alice)
    assert imap_login(dovecot, mechanism, "alice", tokens[IMAP]) == (True, [])
    connection = smtp_login(dovecot, mechanism, "alice", tokens[SMTP])
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "alice@example.com", "bob@example.net", "hello"
    message.set_content("sent with an OAuth token")
    connection.send_message(message)
    connection.quit()
    assert [(m["from"], m["rcpt"]) for m in relay.messages] == [("alice@example.com", ["bob@example.net"])]
    assert b"sent with an OAuth token" in relay.messages[0]["data"]


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_each_token_only_at_its_own_service(dovecot, mail_tokens, alice, mechanism):
    _, tokens = mail_tokens(alice)
    logged_in, challenges = imap_login(dovecot, mechanism, "alice", tokens[SMTP])
    assert not logged_in and refused(challenges, mechanism)
    with pytest.raises(smtplib.SMTPAuthenticationError) as failed:
        smtp_login(dovecot, mechanism, "alice", tokens[IMAP])
    assert failed.value.smtp_code == 535
    assert "Token is not valid for scope 'mail'" in dovecot.log()


def test_the_token_of_another_user_is_refused(dovecot, mail_tokens, alice, django_user_model):
    django_user_model.objects.create_user("bob", password="pw")
    _, tokens = mail_tokens(alice)
    logged_in, challenges = imap_login(dovecot, "OAUTHBEARER", "bob", tokens[IMAP])
    assert not logged_in and refused(challenges, "OAUTHBEARER")


def test_an_expired_token_is_refused(dovecot, mail_tokens, alice):
    _, tokens = mail_tokens(alice)
    get_access_token_model().objects.filter(user=alice).update(
        expires=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    logged_in, challenges = imap_login(dovecot, "OAUTHBEARER", "alice", tokens[IMAP])
    assert not logged_in and refused(challenges, "OAUTHBEARER")


def test_a_revoked_device_is_refused_while_the_phone_logs_in(dovecot, mail_tokens, alice):
    laptop, laptop_tokens = mail_tokens(alice, "laptop")
    _, phone_tokens = mail_tokens(alice, "phone")
    revoke_instance(ClientInstance.objects.get(application__client_id=laptop.client_id))
    for mechanism in MECHANISMS:
        logged_in, challenges = imap_login(dovecot, mechanism, "alice", laptop_tokens[IMAP])
        assert not logged_in and refused(challenges, mechanism)
        assert imap_login(dovecot, mechanism, "alice", phone_tokens[IMAP]) == (True, [])
    assert not get_access_token_model().objects.filter(application__client_id=laptop.client_id).exists()


def test_withdrawn_consent_is_refused(dovecot, mail_tokens, alice):
    _, tokens = mail_tokens(alice)
    assert imap_login(dovecot, "XOAUTH2", "alice", tokens[IMAP]) == (True, [])
    withdraw(ConsentGrant.objects.get(user=alice))
    logged_in, challenges = imap_login(dovecot, "XOAUTH2", "alice", tokens[IMAP])
    assert not logged_in and refused(challenges, "XOAUTH2")
    assert not ConsentGrant.objects.get(user=alice).is_active


def test_a_missing_dovecot_fails_under_ci(monkeypatch):
    from .. import dovecot

    monkeypatch.setattr(dovecot, "DOVECOT", "/nonexistent/dovecot")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Dovecot is required"):
        dovecot.require_dovecot()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        dovecot.require_dovecot()
