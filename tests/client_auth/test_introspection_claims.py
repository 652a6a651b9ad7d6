"""What a resource server learns from introspection (RFC 7662 §2.2): who the token is
for (``sub``, ``username``), who issued it (``iss``) and where it may be used
(``aud``), as a mail server's oauth2 passdb (Dovecot) checks them."""

from ..conftest import ISSUER, MAIL_SERVICES, basic_auth

IMAP, SMTP = list(MAIL_SERVICES)


def test_a_user_token_names_its_subject_issuer_and_audience(mail_tokens, make_client, client, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    device, tokens = mail_tokens(alice)
    rs = make_client(None, hash_client_secret=False)
    body = client.post("/o/introspect/", {"token": tokens[IMAP]}, **basic_auth(rs.app.client_id, rs.secret)).json()
    assert body["active"] is True
    assert (body["sub"], body["username"], body["iss"], body["aud"], body["scope"]) == (
        str(alice.pk), "alice", ISSUER, IMAP, "mail")
    assert body["client_id"] == device.client_id


def test_a_client_credentials_token_has_the_client_as_subject(make_client, token_request, client):
    service = make_client()
    status, issued, _ = token_request({"grant_type": "client_credentials", "scope": "read", **service.form()})
    assert status == 200, issued
    rs = make_client(None, hash_client_secret=False)
    body = client.post("/o/introspect/", {"token": issued["access_token"]}, **basic_auth(rs.app.client_id, rs.secret)).json()
    assert (body["active"], body["sub"], body["iss"], body["aud"]) == (True, service.app.client_id, ISSUER, ISSUER)
    assert "username" not in body


def test_an_inactive_token_tells_nothing(make_client, client):
    rs = make_client(None, hash_client_secret=False)
    response = client.post("/o/introspect/", {"token": "no-such-token"}, **basic_auth(rs.app.client_id, rs.secret))
    assert response.status_code == 200
    assert response.json() == {"active": False}
