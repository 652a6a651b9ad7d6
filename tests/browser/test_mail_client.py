"""A Thunderbird-like client meets the example provider for the first time
(draft-ietf-mailmaint-oauth-public-06): it discovers the AS from an HTTP service,
registers itself, the user (not staff) signs in and allows in Chromium, the client
takes one token per service and uses them at a real Dovecot over IMAP and SMTP."""

from __future__ import annotations

import email.message

import jwt
import pytest
from django.conf import settings as django_settings

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_sdk.mail import SCOPE_MAIL, MailClient, discover
from oauth_ext.consent.models import ConsentGrant

from ..dovecot import Dovecot, Relay, imap_login, smtp_login

pytestmark = pytest.mark.django_db(transaction=True)

IMAP, SMTP = "imap://mail.example.com", "smtp://mail.example.com"


@pytest.fixture
def provider(live_server, settings):
    """The example project at the live server's address, open to public clients."""
    from example_project.settings import MAIL_RESOURCES

    issuer = f"{live_server.url}/o"
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": issuer, "RESOURCES": {"KNOWN": MAIL_RESOURCES},
                          "REGISTRATION": {**settings.OAUTH_EXT.get("REGISTRATION", {}), "PUBLIC_CLIENTS": "open",
                                           "OPEN_THROTTLE_RATE": "100000/min"}}  # the suite registers from one address
    settings.OAUTH2_PROVIDER = {**django_settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}
    settings.ROOT_URLCONF, settings.LOGIN_URL = "tests.browser.urls", "/accounts/login/"
    return live_server


@pytest.fixture
def dovecot(provider, make_client):
    """IMAP and submission both want the profile's mail scope, each its own audience."""
    introspector, relay = make_client(None), Relay()
    server = Dovecot.start(introspection_url=f"{provider.url}/o/introspect/", client_id=introspector.app.client_id,
                           client_secret=introspector.secret, relay_port=relay.port,
                           services={"imap": (SCOPE_MAIL, IMAP), "submission": (SCOPE_MAIL, SMTP)})
    server.relay = relay
    yield server
    print(server.log())  # shown when the test fails
    server.stop()
    relay.close()


def test_a_new_client_reaches_imap_and_smtp(provider, dovecot, browser, django_user_model, snap):
    django_user_model.objects.create_user("alice", email="alice@example.com", password="pw")
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()

    def sign_in_and_allow(url: str) -> None:
        page.goto(url)
        assert "/accounts/login/" in page.url  # LOGIN_URL's form: username and password
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "pw")
        page.click("input[type=submit]")
        snap("mail-client-consent")
        page.click("input[name=allow]")
        page.wait_for_url("http://127.0.0.1:*/callback?*")

    metadata = discover(f"{provider.url}/api/ping/")
    assert metadata["issuer"] == f"{provider.url}/o"
    client = MailClient(metadata, client_name="Thunderbird-like", software_id="mail-client")
    tokens = client.sign_in([SCOPE_MAIL], [IMAP, SMTP], sign_in_and_allow)
    context.close()

    claims = {r: jwt.decode(t, options={"verify_signature": False}) for r, t in tokens.items()}
    assert {r: (c["aud"], c["scope"]) for r, c in claims.items()} == {IMAP: (IMAP, SCOPE_MAIL), SMTP: (SMTP, SCOPE_MAIL)}
    instance = ClientInstance.objects.get(application__client_id=client.client_id)
    assert (instance.publisher, instance.application.client_type, instance.user.username) == (None, "public", "alice")
    assert ConsentGrant.objects.get(user__username="alice").is_active

    assert imap_login(dovecot, "OAUTHBEARER", "alice", tokens[IMAP]) == (True, [])
    logged_in, _ = imap_login(dovecot, "OAUTHBEARER", "alice", tokens[SMTP])  # the SMTP token is not for IMAP
    assert not logged_in
    connection = smtp_login(dovecot, "OAUTHBEARER", "alice", tokens[SMTP])
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "alice@example.com", "bob@example.net", "first mail"
    message.set_content("sent by a client nobody registered beforehand")
    connection.send_message(message)
    connection.quit()
    assert [(m["from"], m["rcpt"]) for m in dovecot.relay.messages] == [("alice@example.com", ["bob@example.net"])]
