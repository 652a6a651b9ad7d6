"""The README's small mail server (example_project/mail_server.py): one process, IMAP
and SMTP, each service taking only its own token, driven by imaplib and smtplib."""

from __future__ import annotations

import imaplib
import smtplib

import pytest

from example_project import mail_server

from ..dovecot import imap_login, smtp_login

pytestmark = pytest.mark.django_db(transaction=True)

IMAP, SMTP = mail_server.IMAP[0], mail_server.SMTP[0]


class Local:
    """Enough of tests.dovecot.Dovecot for its login helpers."""

    def __init__(self, servers):
        self.port_imap, self.port_submission = (s.server_address[1] for s in servers)

    def imap(self):
        return imaplib.IMAP4("127.0.0.1", self.port_imap, timeout=15)

    def smtp(self):
        return smtplib.SMTP("127.0.0.1", self.port_submission, timeout=15)


@pytest.fixture
def server():
    servers = mail_server.serve(0, 0)
    yield Local(servers)
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("mode", ["database", "jwt"])
@pytest.mark.parametrize("mechanism", ["OAUTHBEARER", "XOAUTH2"])
def test_each_service_takes_its_own_token(server, settings, mail_tokens, django_user_model, mode, mechanism):
    alice = django_user_model.objects.create_user("alice", password="pw")
    _, tokens = mail_tokens(alice)
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": mode}}
    assert imap_login(server, mechanism, "alice", tokens[IMAP]) == (True, [])
    smtp_login(server, mechanism, "alice", tokens[SMTP]).quit()
    logged_in, challenges = imap_login(server, mechanism, "alice", tokens[SMTP])
    assert (logged_in, challenges) == (False, [b'{"status":"invalid_token","scope":"mail"}'])
    with pytest.raises(smtplib.SMTPAuthenticationError) as failed:
        smtp_login(server, mechanism, "alice", tokens[IMAP])
    assert failed.value.smtp_code == 535
