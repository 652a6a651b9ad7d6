"""Browser-less App2App (draft-zehavi-oauth-app2app-browserless-07) over HTTP against
the example project: a client app that is its own user agent, this server's
User-Interacting App on the user's session, the native callback, the token, and the
browser fallback when the app is not installed."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.app2app import NativeFlow, NativeFlowFailed
from oauth_ext.par.models import PushedRequest

Application = get_application_model()
REDIRECT = "https://client.example.org/cb"
CALLBACK = "https://client.example.org/app2app"


@pytest.fixture
def native(live_server, settings, make_client, django_user_model, client):
    """The server with App2App on, a public client app registered for both deep links,
    and the user signed in to this server's User-Interacting App."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "ISSUER": live_server.url, "APP2APP": {"ENABLED": True}}
    app = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC,
                      redirect_uris=f"{REDIRECT} {CALLBACK}")
    user = django_user_model.objects.create_user("nina", password="pw")
    client.force_login(user)
    as_app = requests.Session()  # the AS's own app, holding the user's session
    as_app.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return app, as_app, live_server.url


def request_params(app, **extra):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": "read",
                      "state": "st", "code_challenge": challenge, "code_challenge_method": "S256",
                      "native_callback_uri": CALLBACK, **extra}


class Device:
    """The OS: which app claims which https deep link, and what each app does."""

    def __init__(self, server: str, as_app: requests.Session, *, installed: bool = True, allow: bool = True):
        self.server, self.as_app, self.installed, self.allow = server, as_app, installed, allow
        self.invoked: list[str] = []  # deep links of the client app the AS's app opened

    def open(self, url: str) -> bool:
        if not (self.installed and url.startswith(f"{self.server}/o/authorize/native/app/")):
            return False
        consent = self.as_app.get(url, timeout=30)
        assert consent.status_code == 200 and consent.json()["action"] == "consent", consent.text
        decision = {"allow": "Authorize"} if self.allow else {}
        done = self.as_app.post(url, data=decision, headers={"X-CSRFToken": consent.json()["csrf_token"]},
                                allow_redirects=False, timeout=30)
        assert done.status_code == 200 and done.json()["action"] == "deep_link", done.text
        self.invoked.append(done.json()["url"])
        return True


@pytest.mark.django_db(transaction=True)
def test_the_whole_native_flow(native):
    app, as_app, server = native
    verifier, params = request_params(app)
    device = Device(server, as_app)
    flow = NativeFlow(open_deep_link=device.open, redirect_uri=REDIRECT)
    assert flow.start(f"{server}/o/authorize/native/", params) is None  # went on in the AS's app
    [invoked] = device.invoked
    assert invoked.startswith(CALLBACK + "?redirect_uri=")
    response = flow.finish(invoked)
    assert response["state"] == "st" and response["code"]
    tokens = requests.post(f"{server}/o/token/", timeout=30, data={
        "grant_type": "authorization_code", "code": response["code"], "redirect_uri": REDIRECT,
        "client_id": app.client_id, "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    me = requests.get(f"{server}/api/me/", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}, timeout=30)
    assert me.status_code == 200, me.text
    assert not PushedRequest.objects.exists()  # the native request is used up


@pytest.mark.django_db(transaction=True)
def test_the_user_denies(native):
    app, as_app, server = native
    _, params = request_params(app)
    device = Device(server, as_app, allow=False)
    flow = NativeFlow(open_deep_link=device.open, redirect_uri=REDIRECT)
    flow.start(f"{server}/o/authorize/native/", params)
    response = flow.finish(device.invoked[0])
    assert (response["error"], response["state"]) == ("access_denied", "st") and "code" not in response
    assert not PushedRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_the_app_the_browser_completes_the_same_request(native, client):
    """§4.2: the deep link names a pushed request the authorization endpoint takes."""
    app, as_app, server = native
    verifier, params = request_params(app)
    opened: list[str] = []
    flow = NativeFlow(open_deep_link=lambda url: opened.append(url) and False, redirect_uri=REDIRECT)
    with pytest.raises(NativeFlowFailed) as failed:
        flow.start(f"{server}/o/authorize/native/", params)
    assert failed.value.fallback is True
    query = parse_qs(urlsplit(opened[0]).query)
    browser = client.get("/o/authorize/", {"client_id": app.client_id, "request_uri": query["request_uri"][0]})
    assert browser.status_code == 200  # the consent page, in the browser
    done = client.post(f"/o/authorize/?client_id={app.client_id}&request_uri={query['request_uri'][0]}",
                       {"allow": "Authorize"})
    assert done.status_code == 302 and done["Location"].startswith(REDIRECT + "?")
    code = parse_qs(urlsplit(done["Location"]).query)["code"][0]
    tokens = requests.post(f"{server}/o/token/", timeout=30, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": app.client_id,
        "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text


@pytest.mark.django_db(transaction=True)
def test_a_callback_outside_the_flow_is_refused(native):
    app, as_app, server = native
    _, params = request_params(app)
    device = Device(server, as_app)
    flow = NativeFlow(open_deep_link=device.open, redirect_uri=REDIRECT)
    flow.start(f"{server}/o/authorize/native/", params)
    forged = CALLBACK + "?redirect_uri=" + requests.utils.quote("https://evil.example.net/steal?code=x", safe="")
    with pytest.raises(NativeFlowFailed, match="allowlist"):
        flow.finish(forged)
