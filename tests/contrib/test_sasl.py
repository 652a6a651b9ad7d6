"""SASL OAUTHBEARER (RFC 7628) and XOAUTH2 against our tokens, with the RFC's own
wire strings."""

import base64
import datetime

import pytest
from oauth2_provider.models import get_access_token_model

from oauth_ext.consent.models import ConsentGrant
from oauth_ext.consent.services import withdraw
from oauth_ext.contrib.sasl import SASLFailure, authenticate, parse_oauthbearer, parse_xoauth2

IMAP = "imap://mail.example.com"
# RFC 7628 §4.1, the client's initial response (base64 as on the wire).
RFC_INITIAL = ("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRx"
               "bVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB")
# RFC 7628 §4.3, the server's error challenge.
RFC_CHALLENGE = ("eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJo"
                 "dHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=")


def oauthbearer(token, user="alice", host="mail.example.com"):
    return f"n,a={user},\x01host={host}\x01port=143\x01auth=Bearer {token}\x01\x01".encode()


def xoauth2(token, user="alice"):
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def test_rfc_example_parses():
    parsed = parse_oauthbearer(base64.b64decode(RFC_INITIAL))
    assert (parsed.authzid, parsed.host, parsed.port, parsed.token) == (
        "user@example.com", "server.example.com", "143", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==")


def test_rfc_error_challenge():
    failure = SASLFailure("invalid_token", scope="example_scope",
                          openid_configuration="https://example.com/.well-known/openid-configuration")
    assert base64.b64encode(failure.challenge()).decode() == RFC_CHALLENGE


def test_xoauth2_parses():
    parsed = parse_xoauth2(base64.b64decode(base64.b64encode(b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg\x01\x01")))
    assert (parsed.authzid, parsed.token) == ("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg")


@pytest.mark.parametrize("message", [
    b"",
    b"\x01",  # the client's dummy answer after an error challenge
    b"n,,\x01\x01",  # no auth
    b"p=tls-unique,,\x01auth=Bearer abc\x01\x01",  # channel binding: not in OAUTHBEARER
    b"n,user,\x01auth=Bearer abc\x01\x01",  # authzid without a=
    b"n,a=al,ice,\x01auth=Bearer abc\x01\x01",
    b"n,,\x01auth=Bearer abc\x01",  # one kvsep short
    b"n,,\x01auth=Basic abc\x01\x01",
    b"n,,\x01auth=Bearer ab c\x01\x01",
    b"n,,\x01auth=Bearer abc\x01auth=Bearer def\x01\x01",
    b"n,,\x01\xff\x01\x01",
])
def test_malformed_oauthbearer(message):
    with pytest.raises(SASLFailure) as failed:
        authenticate("OAUTHBEARER", message, audience=IMAP)
    assert failed.value.status == "invalid_request"


@pytest.mark.parametrize("message", [b"auth=Bearer abc\x01\x01", b"user=a\x01auth=Bearer abc\x01", b"user=\x01auth=Bearer x\x01\x01"])
def test_malformed_xoauth2(message):
    with pytest.raises(SASLFailure):
        authenticate("XOAUTH2", message, audience=IMAP)


@pytest.fixture
def tokens(mail_app, install, authorize, token_request, django_user_model):
    alice = django_user_model.objects.create_user("alice", email="alice@example.com", password="pw")
    device = install(mail_app)
    exchange = authorize(device, alice, redirect_uri="http://127.0.0.1/callback", scope="mail mail.send",
                         resource=[IMAP, "smtp://mail.example.com"])
    del exchange["client_id"]
    first = token_request({**exchange, **device.auth()})[1]
    per_service = {}
    for resource in (IMAP, "smtp://mail.example.com"):
        per_service[resource] = token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                               "resource": resource, **device.auth()})[1]["access_token"]
    return alice, per_service


@pytest.mark.parametrize(("mechanism", "build"), [("OAUTHBEARER", oauthbearer), ("XOAUTH2", xoauth2)])
def test_a_token_for_the_service_lets_the_user_in(tokens, mechanism, build):
    alice, per_service = tokens
    result = authenticate(mechanism, build(per_service[IMAP]), audience=IMAP, scope="mail")
    assert result.user == alice
    assert authenticate(mechanism, build(per_service[IMAP], user="alice@example.com"), audience=IMAP).user == alice


def test_wrong_audience_wrong_user_missing_scope(tokens):
    alice, per_service = tokens
    smtp_token = per_service["smtp://mail.example.com"]
    with pytest.raises(SASLFailure) as failed:
        authenticate("OAUTHBEARER", oauthbearer(smtp_token), audience=IMAP, scope="mail")
    assert failed.value.status == "invalid_token"
    assert failed.value.challenge() == b'{"status":"invalid_token","scope":"mail"}'
    with pytest.raises(SASLFailure):
        authenticate("OAUTHBEARER", oauthbearer(per_service[IMAP], user="mallory"), audience=IMAP)
    with pytest.raises(SASLFailure) as failed:
        authenticate("XOAUTH2", xoauth2(smtp_token), audience="smtp://mail.example.com", scope="mail")
    assert failed.value.status == "insufficient_scope"


def test_expired_and_revoked_tokens_fail(tokens):
    alice, per_service = tokens
    get_access_token_model().objects.filter(token_checksum__isnull=False).update(
        expires=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(SASLFailure) as failed:
        authenticate("OAUTHBEARER", oauthbearer(per_service[IMAP]), audience=IMAP)
    assert failed.value.status == "invalid_token"


def test_withdrawn_consent_fails(tokens):
    alice, per_service = tokens
    withdraw(ConsentGrant.objects.get(user=alice))
    with pytest.raises(SASLFailure) as failed:
        authenticate("XOAUTH2", xoauth2(per_service[IMAP]), audience=IMAP)
    assert failed.value.status == "invalid_token"


def test_jwt_mode_for_a_mail_server_without_the_database(tokens, settings):
    alice, per_service = tokens
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "jwt", "AUDIENCE": IMAP}}
    assert authenticate("OAUTHBEARER", oauthbearer(per_service[IMAP]), audience=IMAP).user == alice
    with pytest.raises(SASLFailure):
        authenticate("OAUTHBEARER", oauthbearer(per_service["smtp://mail.example.com"]), audience=IMAP)


# --- one mail server process for IMAP and SMTP, in each validation mode -------------

SMTP = "smtp://mail.example.com"


@pytest.fixture
def validation(settings, make_client):
    """``validation(mode)`` switches the resource-server settings to ``mode`` (no
    process-wide AUDIENCE: each call names its service)."""

    def switch(mode, url=None):
        conf = {"TOKEN_VALIDATION": mode}
        if mode == "introspection":
            rs = make_client(None, hash_client_secret=False)
            conf.update(INTROSPECTION_URL=f"{url}/o/introspect/", INTROSPECTION_CLIENT_ID=rs.app.client_id,
                        INTROSPECTION_CLIENT_SECRET=rs.secret)
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": conf}

    return switch


def each_service_takes_its_own_token(alice, tokens):
    for mechanism, build in (("OAUTHBEARER", oauthbearer), ("XOAUTH2", xoauth2)):
        imap = authenticate(mechanism, build(tokens[IMAP]), audience=IMAP, scope="mail")
        smtp = authenticate(mechanism, build(tokens[SMTP]), audience=SMTP, scope="mail.send")
        assert (imap.username, smtp.username) == ("alice", "alice")
        for token, audience in ((tokens[SMTP], IMAP), (tokens[IMAP], SMTP)):
            with pytest.raises(SASLFailure) as failed:
                authenticate(mechanism, build(token), audience=audience)
            assert (failed.value.status, str(failed.value)) == ("invalid_token", "token for another audience")
        with pytest.raises(SASLFailure) as failed:
            authenticate(mechanism, build(tokens[IMAP], user="mallory"), audience=IMAP)
        assert str(failed.value) == "authzid is not the token's user"


@pytest.mark.parametrize("mode", ["database", "jwt"])
def test_one_process_serves_imap_and_smtp(mode, validation, mail_tokens, django_user_model):
    alice = django_user_model.objects.create_user("alice", email="alice@example.com", password="pw")
    _, tokens = mail_tokens(alice)
    validation(mode)
    each_service_takes_its_own_token(alice, tokens)
    assert authenticate("XOAUTH2", xoauth2(tokens[IMAP]), audience=IMAP).user == alice


@pytest.mark.django_db(transaction=True)
def test_one_process_serves_imap_and_smtp_by_introspection(validation, mail_tokens, django_user_model, live_server):
    """The mail server has no database of ours: the user is the introspected username."""
    alice = django_user_model.objects.create_user("alice", email="alice@example.com", password="pw")
    _, tokens = mail_tokens(alice)
    validation("introspection", live_server.url)
    each_service_takes_its_own_token(alice, tokens)
    result = authenticate("OAUTHBEARER", oauthbearer(tokens[IMAP]), audience=IMAP)
    assert (result.user, result.username, result.token.claims["sub"]) == (None, "alice", str(alice.pk))
    withdraw(ConsentGrant.objects.get(user=alice))
    with pytest.raises(SASLFailure) as failed:
        authenticate("OAUTHBEARER", oauthbearer(tokens[IMAP]), audience=IMAP)
    assert (failed.value.status, str(failed.value)) == ("invalid_token", "introspection says inactive")


@pytest.mark.parametrize("mode", ["database", "jwt"])
def test_a_client_token_lets_nobody_in(mode, validation, make_client, token_request):
    service = make_client()
    status, body, _ = token_request({"grant_type": "client_credentials", "scope": "read", "resource": IMAP,
                                     **service.form()})
    assert status == 200, body
    validation(mode)
    with pytest.raises(SASLFailure) as failed:
        authenticate("XOAUTH2", xoauth2(body["access_token"]), audience=IMAP)
    assert (failed.value.status, str(failed.value)) == ("invalid_token", "token without a user")
