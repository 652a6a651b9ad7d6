"""The native authorization endpoint's answers and guardrails
(draft-zehavi-oauth-app2app-browserless-07 §3.3–§3.5, §5)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import get_application_model

from oauth_ext.app2app import DRAFT
from oauth_ext.clients.services import set_client_keys
from oauth_ext.par.models import PushedRequest

from ..conformance.app2app_browserless.test_native_flow import CALLBACK, REDIRECT, request_params

Application = get_application_model()
ENDPOINT = "/o/authorize/native/"


@pytest.fixture
def app(settings, make_client):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "APP2APP": {"ENABLED": True}}
    return make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC,
                       redirect_uris=f"{REDIRECT} {CALLBACK} http://client.example.org/plain")


def native(client, params):
    response = client.get(ENDPOINT, params)
    assert response["Content-Type"] == "application/json" and not 300 <= response.status_code < 400  # §3.3
    return response.status_code, response.json()


def test_a_valid_request_gets_a_deep_link_to_the_app(app, client):
    status, body = native(client, request_params(app)[1])
    assert status == 200 and body["action"] == "deep_link"
    link = urlsplit(body["url"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == "https://as.example.com/o/authorize/native/app/"
    query = parse_qs(link.query)
    assert query["client_id"] == [app.client_id] and query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")
    stored = PushedRequest.objects.get()
    assert stored.parameters["native_callback_uri"] == CALLBACK
    assert ("native_callback_uri", CALLBACK) not in [tuple(p) for p in stored.parameters["query"]]


def test_the_site_names_its_apps_deep_link(app, client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "APP2APP": {"ENABLED": True, "USER_INTERACTING_APP": "https://app.as.example.com/authorize"}}
    assert native(client, request_params(app)[1])[1]["url"].startswith("https://app.as.example.com/authorize?client_id=")


@pytest.mark.parametrize(("extra", "description"), [
    ({"scope": "no-such-scope"}, "invalid_scope"),
    ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
])
def test_errors_for_the_client_are_a_call_of_its_redirect_uri(app, client, extra, description):
    params = {k: v for k, v in {**request_params(app)[1], **extra}.items() if v is not None}
    status, body = native(client, params)
    assert status == 200 and body["action"] == "call"  # §3.5.4
    url = urlsplit(body["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == REDIRECT
    assert parse_qs(url.query)["error"] == [description] and parse_qs(url.query)["state"] == ["st"]
    assert not PushedRequest.objects.exists()


@pytest.mark.parametrize(("extra", "error"), [
    ({"native_callback_uri": None}, "invalid_request"),
    ({"native_callback_uri": "https://evil.example.net/app2app"}, "invalid_request"),  # not the client's
    ({"native_callback_uri": "http://client.example.org/plain"}, "invalid_request"),  # §5.4 https deep links
    ({"redirect_uri": "https://evil.example.net/cb"}, "invalid_request"),
    ({"client_id": "nobody"}, "invalid_request"),  # oauthlib: "Invalid client_id parameter value."
])
def test_errors_nobody_may_be_sent_to_are_4xx_json(app, client, extra, error):
    params = {k: v for k, v in {**request_params(app)[1], **extra}.items() if v is not None}
    status, body = native(client, params)
    assert 400 <= status < 500 and body["error"] == error, body
    assert not PushedRequest.objects.exists()


def test_repeated_parameters(app, client):
    params = request_params(app)[1]
    response = client.get(ENDPOINT + "?" + "&".join(f"{k}={v}" for k, v in params.items()) + "&scope=read")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_a_client_that_must_push_is_sent_to_the_browser(app, client):
    set_client_keys(app.app, method="none", require_pushed_authorization_requests=True)
    status, body = native(client, request_params(app)[1])
    assert (status, body["error"]) == (400, "native_app2app_unsupported")


def test_the_apps_api_needs_the_user_and_a_native_request(app, client, django_user_model):
    body = native(client, request_params(app)[1])[1]
    path = body["url"].replace("https://as.example.com", "")
    response = client.get(path)
    assert (response.status_code, response.json()["error"]) == (401, "login_required")
    client.force_login(django_user_model.objects.create_user("u", password="pw"))
    response = client.get(f"/o/authorize/native/app/?client_id={app.client_id}&request_uri=urn:ietf:params:oauth:request_uri:nope")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request_uri")
    consent = client.get(path)
    assert consent.status_code == 200 and consent.json()["action"] == "consent"


def test_metadata_and_routing_follow_the_switch(client, settings, db):
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert "native_authorization_endpoint" not in metadata
    assert client.get(ENDPOINT).status_code == 404
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "APP2APP": {"ENABLED": True}}
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["native_authorization_endpoint"] == "https://as.example.com/o/authorize/native/"
    assert DRAFT == "draft-zehavi-oauth-app2app-browserless-07"


def test_native_requests_are_throttled_per_address(app, client, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "APP2APP": {"ENABLED": True, "THROTTLE_RATE": "1/min"}}
    statuses = [client.get(ENDPOINT, request_params(app)[1]).status_code for _ in range(3)]
    assert 429 in statuses and set(statuses) <= {200, 429}
    assert PushedRequest.objects.count() == statuses.count(200)
