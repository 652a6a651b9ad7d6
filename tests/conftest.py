"""Shared fixtures: real PostgreSQL and Redis, factories for clients and requests."""

from __future__ import annotations

import base64
import datetime
import hashlib
import importlib
import ipaddress
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import clear_url_caches
from oauth2_provider.models import get_application_model, get_refresh_token_model

from oauth_ext import features
from oauth_ext.client_sdk import ASSERTION_TYPE, AssertionSigner
from oauth_ext.clients.services import set_client_keys
from oauth_ext.consent.models import ConsentGrant
from oauth_ext.core import jose, replay

from .localserver import LocalServer

ISSUER = "https://as.example.com"
TOKEN_URL = "/o/token/"


@receiver(setting_changed)
def _reroute(*, setting: str, **kwargs: Any) -> None:
    """Routes are built from the feature switches when the URLconf is imported: when a
    test's ``OAUTH_EXT`` switches a routed feature on or off (and back), rebuild it."""
    if setting != "OAUTH_EXT":
        return
    import oauth_ext.urls

    if frozenset(f.name for f in features.enabled()) == oauth_ext.urls.ROUTED:
        return
    importlib.reload(oauth_ext.urls)
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture(scope="session", autouse=True)
def _real_services(django_db_blocker):
    """The suite runs on Redis for real: a missing Redis fails every test, never skips."""
    try:
        caches["default"].set("oauth_ext:ping", 1, 5)
        # The run's cache namespace is new (tests/settings.py): nothing was ever claimed in
        # it, so the replay store truly remembers every claim from the beginning.
        caches["default"].add(replay.EPOCH_KEY, 0.0, timeout=None)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis is required at 127.0.0.1:6379 (run `bash .ci/services`): {exc}", pytrace=False)


# A real browser (tests/browser, tests/packaging): Playwright driving the system's
# Chromium, never a downloaded one; one per session, shared by every test that needs it.
CHROMIUM = os.environ.get("OAUTH_EXT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Playwright's sync API keeps an event loop marked running in this thread, and
    Django then refuses ORM calls from it; the calls are synchronous, so the guard
    is lifted while the browser runs (Playwright's advice for Django tests)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required at {CHROMIUM} (apt-get install -y chromium; .ci/run does it)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_state_from_earlier_tests():
    """State of this process that outlives a test's database rows: the status-list
    block it reserved and the cached clients (both keep ids a rollback or flush removed)."""
    from oauth_ext.status_list import services

    services._blocks.clear()
    services._current.clear()
    cache = caches["clients"]
    client = cache._cache.get_client(None, write=True)
    for key in client.scan_iter(match=cache.make_key("*"), count=1000):
        client.delete(key)


@dataclass
class RegisteredClient:
    app: Any
    private_jwk: dict[str, Any] | None = None
    secret: str = ""
    extra_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def client_id(self) -> str:
        return self.app.client_id

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": ISSUER, "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def assertion(self, *, headers: dict[str, Any] | None = None, key: Any = None, alg: str | None = None, **claims: Any) -> str:
        """A signed assertion; ``claims`` override the valid defaults (None drops one)."""
        if self.private_jwk is not None:
            alg = alg or self.private_jwk["alg"]
            key = key if key is not None else jose.load_private_jwk(self.private_jwk)
            head = {"kid": self.private_jwk["kid"], "typ": "client-authentication+jwt"}
        else:
            alg = alg or "HS256"
            key = key if key is not None else self.secret.encode()
            head = {"typ": "client-authentication+jwt"}
        head.update(headers or {})
        head = {k: v for k, v in head.items() if v is not None}
        # PyJWS, not jwt.encode: tests must be able to sign claims of any type.
        return jwt.api_jws.encode(json.dumps(self.claims(**claims)).encode(), key, algorithm=alg, headers=head)

    def signer(self) -> AssertionSigner:
        return AssertionSigner(self.private_jwk, client_id=self.client_id, audience=ISSUER)

    def form(self, assertion: str | None = None, **params: str) -> dict[str, str]:
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion or self.assertion(), **params}


@pytest.fixture
def make_client(db):
    """Factory: an Application with a profile for ``method`` (and keys to match)."""
    Application = get_application_model()

    def make(
        method: str | None = "private_key_jwt",
        *,
        alg: str = "ES256",
        grant: str = Application.GRANT_CLIENT_CREDENTIALS,
        client_type: str = Application.CLIENT_CONFIDENTIAL,
        redirect_uris: str = "https://client.example.org/cb",
        signing_alg: str = "",
        jwks_uri: str = "",
        hash_client_secret: bool = True,
        profile: dict[str, Any] | None = None,
    ) -> RegisteredClient:
        secret = uuid.uuid4().hex + uuid.uuid4().hex
        app = Application.objects.create(
            name=f"{method} client",
            client_id=f"client-{uuid.uuid4().hex[:12]}",
            client_secret=secret,
            hash_client_secret=hash_client_secret and method != "client_secret_jwt",
            client_type=client_type,
            authorization_grant_type=grant,
            redirect_uris=redirect_uris,
            algorithm="",
        )
        registered = RegisteredClient(app=app, secret=secret)
        if method == "private_key_jwt":
            registered.private_jwk = jose.private_key_to_jwk(jose.generate_private_key(alg), alg=alg)
            jwks = None if jwks_uri else {"keys": [jose.public_jwk(registered.private_jwk)]}
            set_client_keys(app, method=method, jwks=jwks, jwks_uri=jwks_uri, signing_alg=signing_alg, **(profile or {}))
        elif method is not None:
            set_client_keys(app, method=method, signing_alg=signing_alg, **(profile or {}))
        app.refresh_from_db()
        return registered

    return make


@pytest.fixture
def token_request(client):
    """POST to the token endpoint; returns (status, json body, response)."""

    def post(data: dict[str, str], url: str = TOKEN_URL, **headers: str):
        response = client.post(url, data=data, **headers)
        return response.status_code, json.loads(response.content or b"{}"), response

    return post


@pytest.fixture
def issue(make_client, token_request):
    """Factory: a client_credentials access token (scope ``read``) for ``client`` or a
    fresh private_key_jwt client, DPoP-bound when given a key."""

    def run(key: Any = None, *, scope: str = "read", client: RegisteredClient | None = None) -> str:
        client = client or make_client()
        headers = {"HTTP_DPOP": key.proof("POST", f"{ISSUER}{TOKEN_URL}")} if key else {}
        status, body, _ = token_request({"grant_type": "client_credentials", "scope": scope, **client.form()}, **headers)
        assert status == 200, body
        return body["access_token"]

    return run


def ipv6_forms(ipv4: str) -> dict[str, str]:
    """``ipv4`` written as each IPv6 transition address that leads to it, bracketed
    for a URL: NAT64 (RFC 6052 /96, RFC 8215 /48), 6to4, IPv4-compatible,
    IPv4-mapped and Teredo (client address obfuscated, RFC 4380 §4)."""
    v4 = ipaddress.IPv4Address(ipv4).packed
    flipped = bytes(b ^ 0xFF for b in v4)
    packed = {
        "nat64": bytes.fromhex("0064ff9b") + bytes(8) + v4,
        "nat64-local": bytes.fromhex("0064ff9b0001") + v4[:2] + b"\0" + v4[2:] + bytes(5),
        "6to4": bytes.fromhex("2002") + v4 + bytes(10),
        "ipv4-compatible": bytes(12) + v4,
        "ipv4-mapped": bytes(10) + b"\xff\xff" + v4,
        "teredo": bytes.fromhex("200100004136e378800063bf") + flipped,
    }
    return {name: f"[{ipaddress.IPv6Address(value)}]" for name, value in packed.items()}


def basic_auth(client_id: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 (see ``tests/localserver.py``)."""
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def fetch_conf(settings):
    """Set ``OAUTH_EXT["JWKS_FETCH"]`` values for one test."""

    def configure(**values: Any) -> None:
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "JWKS_FETCH": values}

    return configure


@pytest.fixture
def authorize(client):
    """Run the authorization endpoint for ``user`` with PKCE S256; returns the token
    request that redeems the code (``extra`` adds authorization parameters)."""

    def run(registered: Any, user: Any, redirect_uri: str = "https://client.example.org/cb", **extra: Any):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        params = {"response_type": "code", "client_id": registered.client_id, "redirect_uri": redirect_uri,
                  "scope": "read", "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256", **extra}
        client.force_login(user)
        url = "/o/authorize/?" + urlencode(params, doseq=True)
        response = client.get(url)
        if response.status_code == 200:  # the prompt; an active consent skips it with a redirect
            # As the browser posts the form: several resources in one hidden field.
            form = {k: " ".join(v) if isinstance(v, list) else v for k, v in params.items()}
            response = client.post(url, {**form, "allow": "Authorize"})
        client.logout()
        assert response.status_code == 302, response.content
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["state"] == ["s1"]
        return {"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": redirect_uri,
                "code_verifier": verifier, "client_id": registered.client_id}

    return run


@dataclass
class Vendor:
    """A software vendor: its signing key, and the publisher entry IT made for it."""

    private_jwk: dict[str, Any]
    publisher: Any
    issuer: str = "https://vendor.example.com"

    def statement(self, *, key: Any = None, alg: str | None = None, headers: dict[str, Any] | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "iat": now, "exp": now + 3600, "software_id": "mail-app", "software_version": "1.2",
                "client_name": "Mail", "grant_types": ["authorization_code", "refresh_token"],
                "redirect_uris": ["http://127.0.0.1/callback"], "token_endpoint_auth_method": "private_key_jwt"}
        body.update(claims)
        head = {k: v for k, v in {"kid": self.private_jwk["kid"], **(headers or {})}.items() if v is not None}
        return jwt.api_jws.encode(json.dumps({k: v for k, v in body.items() if v is not None}).encode(),
                                  key if key is not None else jose.load_private_jwk(self.private_jwk),
                                  algorithm=alg or "ES256", headers=head)


@pytest.fixture
def vendor(db):
    """A vendor whose statements IT trusts, for the software ``mail-app``."""
    from oauth_ext.software_statements.models import SoftwarePublisher

    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    publisher = SoftwarePublisher.objects.create(
        name="Vendor", issuer="https://vendor.example.com", jwks={"keys": [jose.public_jwk(private)]},
        software_ids=["mail-app"], scope_ceiling=["read", "write"],
    )
    return Vendor(private, publisher)


@pytest.fixture
def register(client):
    """POST to the registration endpoint; returns (status, json body)."""

    def post(body: Any, **headers: str):
        response = client.post("/o/registration/", data=json.dumps(body) if not isinstance(body, (bytes, str)) else body,
                               content_type="application/json", **headers)
        return response.status_code, (json.loads(response.content) if response.content else {})

    return post


@dataclass
class Device:
    """One installation of the vendor's software, registered with its statement."""

    key: dict[str, Any]
    client_id: str
    registration: dict[str, Any]
    tokens: dict[str, Any] = field(default_factory=dict)  # what the token endpoint answered, once enrolled

    def auth(self) -> dict[str, str]:
        signer = AssertionSigner(self.key, client_id=self.client_id, audience=ISSUER)
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": signer.assertion()}


@pytest.fixture
def install(register):
    """Factory: register one device of ``vendor``'s software."""

    def make(vendor: Vendor, label: str = "laptop", **statement: Any) -> Device:
        key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        status, body = register({"software_statement": vendor.statement(**statement), "device_label": label,
                                 "jwks": {"keys": [jose.public_jwk(key)]}})
        assert status == 201, body
        return Device(key, body["client_id"], body)


    return make


@pytest.fixture
def enroll(vendor, install, authorize, token_request):
    """Factory: devices of ``user`` registered with the vendor's statement, each
    authorized by the user and holding tokens (``device.tokens``)."""

    def make(user: Any, *labels: str) -> dict[str, Device]:
        devices = {}
        for label in labels:
            device = install(vendor, label)
            exchange = authorize(device, user, redirect_uri="http://127.0.0.1/callback")
            del exchange["client_id"]
            status, device.tokens, _ = token_request({**exchange, **device.auth()})
            assert status == 200, device.tokens
            devices[label] = device
        return devices

    return make


@pytest.fixture
def mail_app(settings, vendor):
    """The example project's mail services switched on, and the vendor's mail app
    allowed their scopes."""
    from example_project.settings import MAIL_RESOURCES

    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": MAIL_RESOURCES}}
    vendor.publisher.scope_ceiling = ["mail", "mail.send", "contacts", "calendar", "read"]
    vendor.publisher.save()
    return vendor


@dataclass
class TrustedAttester:
    """An attester IT trusts: its signing key and its ``Attester`` row."""

    private_jwk: dict[str, Any]
    model: Any

    def attestation(self, client_id: str, instance_jwk: dict[str, Any], *, key: Any = None, alg: str | None = None,
                    headers: dict[str, Any] | None = None, **claims: Any) -> str:
        """A signed attestation of ``client_id`` naming ``instance_jwk``; ``claims``
        override the valid defaults (None drops one)."""
        now = int(time.time())
        body = {"sub": client_id, "iat": now, "exp": now + 3600, "cnf": {"jwk": instance_jwk}, **claims}
        head = {"typ": "oauth-client-attestation+jwt", "kid": self.private_jwk["kid"], **(headers or {})}
        return jwt.api_jws.encode(json.dumps({k: v for k, v in body.items() if v is not None}).encode(),
                                  key if key is not None else jose.load_private_jwk(self.private_jwk),
                                  algorithm=alg or "ES256", headers={k: v for k, v in head.items() if v is not None})


@pytest.fixture
def make_attester(db):
    """Factory: an enabled attester trusted for ``client_ids`` / ``software_ids``."""
    from oauth_ext.attestation.models import Attester

    def make(*, client_ids: list[str] = (), software_ids: list[str] = (), jwks_uri: str = "") -> TrustedAttester:
        private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        model = Attester.objects.create(
            name=f"attester-{uuid.uuid4().hex[:8]}", jwks=None if jwks_uri else {"keys": [jose.public_jwk(private)]},
            jwks_uri=jwks_uri, client_ids=list(client_ids), software_ids=list(software_ids),
        )
        return TrustedAttester(private, model)

    return make


@pytest.fixture
def make_staff(django_user_model):
    """Factory: a staff user (password ``pw``) holding exactly ``perms``
    (``"oauth_ext.change_clientinstance"``, ...)."""
    from django.contrib.auth.models import Permission

    def make(username: str, *perms: str):
        user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return user

    return make


MAIL_SERVICES = {"imap://mail.example.com": "mail", "smtp://mail.example.com": "mail.send"}


@pytest.fixture
def mail_tokens(mail_app, install, authorize, token_request):
    """Factory: a device of ``user`` (the vendor's mail app) authorized for IMAP and
    SMTP, and one access token per service from its refresh token; returns
    (device, {resource: access token})."""

    def make(user: Any, label: str = "laptop") -> tuple[Device, dict[str, str]]:
        device = install(mail_app, label)
        exchange = authorize(device, user, redirect_uri="http://127.0.0.1/callback",
                             scope=" ".join(MAIL_SERVICES.values()), resource=list(MAIL_SERVICES))
        del exchange["client_id"]
        status, device.tokens, _ = token_request({**exchange, **device.auth()})
        assert status == 200, device.tokens
        per_service = {}
        for resource in MAIL_SERVICES:
            status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": device.tokens["refresh_token"],
                                             "resource": resource, **device.auth()})
            assert status == 200, body
            per_service[resource] = body["access_token"]
        return device, per_service

    return make


# Consent and refresh-token expiry (draft-ietf-oauth-refresh-token-expiration-03).
CALLBACK = "http://127.0.0.1/callback"
DAY = 86_400


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def lifetimes(settings):
    """The draft's -03 example: a 7-day exchange window, a 10-day authorization."""

    def set_(**consent):
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "CONSENT": {"LIFETIME": 10 * DAY, "REFRESH_TOKEN_TIMEOUT": 7 * DAY,
                                                                 **consent}}
    set_()
    return set_


@pytest.fixture
def signed_in(mail_app, install, authorize, token_request, alice):
    device = install(mail_app)

    def run(scope="mail", **extra):
        exchange = authorize(device, alice, redirect_uri=CALLBACK, scope=scope, **extra)
        del exchange["client_id"]
        status, body, _ = token_request({**exchange, **device.auth()})
        assert status == 200, body
        return body

    run.device = device
    return run


def refresh(token_request, device, refresh_token, **extra):
    return token_request({"grant_type": "refresh_token", "refresh_token": refresh_token, **extra, **device.auth()})


def age(days):
    """Move the consent and the refresh tokens ``days`` into the past."""
    delta = datetime.timedelta(days=days)
    for grant in ConsentGrant.objects.all():
        ConsentGrant.objects.filter(pk=grant.pk).update(granted_at=grant.granted_at - delta,
                                                        expires_at=grant.expires_at - delta)
    for rt in get_refresh_token_model().objects.all():
        get_refresh_token_model().objects.filter(pk=rt.pk).update(updated=rt.updated - delta)


@pytest.fixture
def warm_token_request(make_client, token_request):
    """Factory: a client_credentials request of a new ``private_key_jwt`` client (with a
    DPoP proof if asked), made once to load and cache the client and reserve a block of
    status-list indices, then again with its SQL captured: ``(client, body, sqls)``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oauth_ext.client_sdk.dpop import DPoPKey

    def run(*, dpop: bool) -> tuple[RegisteredClient, dict[str, Any], list[str]]:
        registered, key = make_client(), DPoPKey.generate()

        def request() -> tuple[int, dict[str, Any], Any]:
            headers = {"HTTP_DPOP": key.proof("POST", f"{ISSUER}{TOKEN_URL}")} if dpop else {}
            return token_request({"grant_type": "client_credentials", "scope": "read", **registered.form()}, **headers)

        status, body, _ = request()
        assert status == 200, body
        with CaptureQueriesContext(connection) as captured:
            status, body, _ = request()
        assert status == 200, body
        assert body["token_type"] == ("DPoP" if dpop else "Bearer")
        return registered, body, [q["sql"] for q in captured.captured_queries]

    return run


@pytest.fixture
def introspect(client, make_client):
    """Introspection (RFC 7662) as a resource server authenticating with client_secret_basic:
    the answer's JSON, after checking it is a 200 nobody may cache."""
    rs = make_client(None, hash_client_secret=False)

    def run(token: str) -> dict[str, Any]:
        response = client.post("/o/introspect/", {"token": token}, **basic_auth(rs.client_id, rs.secret))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        return response.json()

    return run
