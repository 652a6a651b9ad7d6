"""The example project follows RFC 9700 as DOT's gates see it: ``check --deploy`` shows
none of DOT's RFC 9700 warnings (W008, http loopback redirects for native apps, is
silenced on purpose: RFC 8252 §7.3)."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.core import checks


def test_no_rfc9700_warning_from_dot():
    messages = checks.run_checks(include_deployment_checks=True)
    assert [m.id for m in messages if m.id.startswith("oauth2_provider.") and not m.is_silenced()] == []


def test_implicit_and_password_are_neither_announced_nor_accepted(client, make_client, django_user_model):
    document = client.get("/o/.well-known/oauth-authorization-server").json()
    assert "token" not in document["response_types_supported"]
    assert not {"implicit", "password"} & set(document["grant_types_supported"])
    django_user_model.objects.create_user("alice", password="pw")
    registered = make_client(None, grant="password", hash_client_secret=False)
    response = client.post("/o/token/", {"grant_type": "password", "username": "alice", "password": "pw",
                                         "client_id": registered.client_id, "client_secret": registered.secret})
    assert (response.status_code, response.json()["error"]) == (400, "unauthorized_client")


def test_response_type_token_is_refused(client, make_client, django_user_model):
    registered = make_client(None, grant="implicit", redirect_uris="https://client.example.org/cb")
    client.force_login(django_user_model.objects.create_user("alice", password="pw"))
    response = client.get("/o/authorize/?" + urlencode({"response_type": "token", "client_id": registered.client_id,
                                                        "redirect_uri": "https://client.example.org/cb", "state": "s1"}))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert "access_token" not in location.fragment + location.query
    assert parse_qs(location.query)["error"] == ["unauthorized_client"]
