"""private_key_jwt clients whose keys live at a jwks_uri, end to end through the
token endpoint, against a real HTTP server on 127.0.0.1 (allowed while DEBUG)."""

from __future__ import annotations

import time
import uuid

import pytest

from oauth_ext.core import jose

from ..localserver import LocalServer, unused_port, watch_connections

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def keys_server(settings, http_server):
    settings.DEBUG = True  # plain http to loopback is fetched only while DEBUG
    return http_server


def unique_path() -> str:
    """Fetched JWKS are cached per URL in Redis: every test gets its own URL."""
    return f"/{uuid.uuid4().hex}/jwks.json"


def publish(server: LocalServer, path: str, *private_jwks: dict) -> None:
    server.serve_json(path, {"keys": [jose.public_jwk(jwk) for jwk in private_jwks]})


def new_key(alg: str = "ES256") -> dict:
    return jose.private_key_to_jwk(jose.generate_private_key(alg), alg=alg)


def uri_client(make_client, server: LocalServer, *, publish_keys: bool = True, alg: str = "ES256"):
    path = unique_path()
    client = make_client(jwks_uri=server.url(path), alg=alg)
    assert client.app.oauth_ext_profile.jwks is None  # the keys are only at the URI
    if publish_keys:
        publish(server, path, client.private_jwk)
    return client, path


def expect_token(token_request, client, assertion=None):
    status, body, _ = token_request({**GRANT, **client.form(assertion)})
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    return body


def expect_invalid_client(token_request, client, assertion=None):
    status, body, _ = token_request({**GRANT, **client.form(assertion)})
    assert (status, body.get("error")) == (401, "invalid_client"), body
    assert "access_token" not in body
    return body


@pytest.mark.parametrize("alg", ["ES256", "EdDSA", "PS256"])
def test_client_with_keys_at_jwks_uri_gets_a_token(make_client, token_request, keys_server, alg):
    client, path = uri_client(make_client, keys_server, alg=alg)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 1


def test_jwks_is_cached(make_client, token_request, keys_server):
    client, path = uri_client(make_client, keys_server)
    for _ in range(5):
        expect_token(token_request, client)
    assert keys_server.hits[path] == 1


def test_cached_jwks_expires_after_cache_ttl(make_client, token_request, keys_server, fetch_conf):
    fetch_conf(CACHE_TTL=1)
    client, path = uri_client(make_client, keys_server)
    expect_token(token_request, client)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 1
    time.sleep(1.3)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 2


def test_key_rotation_is_picked_up_with_one_refetch(make_client, token_request, keys_server):
    client, path = uri_client(make_client, keys_server)
    old = client.private_jwk
    expect_token(token_request, client)
    assert keys_server.hits[path] == 1

    # The client rotates: a new key with a new kid, and only that key published.
    client.private_jwk = new_key()
    assert client.private_jwk["kid"] != old["kid"]
    publish(keys_server, path, client.private_jwk)

    expect_token(token_request, client)
    assert keys_server.hits[path] == 2
    expect_token(token_request, client)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 2  # the new set is cached again

    # The retired key no longer authenticates, and costs no further fetch.
    client.private_jwk = old
    expect_invalid_client(token_request, client)
    assert keys_server.hits[path] == 2


def test_flood_of_unknown_kids_refetches_at_most_once_per_interval(make_client, token_request, keys_server):
    client, path = uri_client(make_client, keys_server)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 1

    for i in range(25):
        stranger = new_key()
        assertion = client.assertion(key=jose.load_private_jwk(stranger), headers={"kid": f"unknown-{i}"})
        expect_invalid_client(token_request, client, assertion)
    assert keys_server.hits[path] == 2  # one refetch for the whole flood

    expect_token(token_request, client)  # the real key still works, from the cache
    assert keys_server.hits[path] == 2


def test_refetch_allowed_again_after_refetch_interval(make_client, token_request, keys_server, fetch_conf):
    fetch_conf(REFETCH_INTERVAL=1)
    client, path = uri_client(make_client, keys_server)
    expect_token(token_request, client)

    def unknown_kid():
        return client.assertion(key=jose.load_private_jwk(new_key()), headers={"kid": uuid.uuid4().hex})

    expect_invalid_client(token_request, client, unknown_kid())
    assert keys_server.hits[path] == 2
    expect_invalid_client(token_request, client, unknown_kid())
    assert keys_server.hits[path] == 2
    time.sleep(1.3)
    expect_invalid_client(token_request, client, unknown_kid())
    assert keys_server.hits[path] == 3


def test_rotation_after_an_unknown_kid_waits_for_the_interval(make_client, token_request, keys_server, fetch_conf):
    """A rotation published just after a refetch is picked up once REFETCH_INTERVAL has passed."""
    fetch_conf(REFETCH_INTERVAL=1)
    client, path = uri_client(make_client, keys_server)
    expect_token(token_request, client)
    client.private_jwk = new_key()
    expect_invalid_client(token_request, client)  # not yet published: one refetch, key still unknown
    assert keys_server.hits[path] == 2
    publish(keys_server, path, client.private_jwk)
    expect_invalid_client(token_request, client)  # within the interval: no refetch
    assert keys_server.hits[path] == 2
    time.sleep(1.3)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 3


def _broken(server: LocalServer, path: str) -> str:
    """Set up ``path`` on ``server`` to be broken in the way the path names."""
    kind = path.rsplit("/", 1)[-1]
    json_type = (("Content-Type", "application/json"),)
    if kind == "unreachable":
        return f"http://127.0.0.1:{unused_port()}{path}"
    if kind == "bad-port":
        return f"http://127.0.0.1:99999{path}"
    if kind == "status-500":
        return server.serve(path, status=500, body=b'{"error": "oops"}', headers=json_type)
    if kind == "status-404":
        return server.serve(path, status=404)
    if kind == "redirect":
        return server.serve(path, status=302, headers=(("Location", server.url("/elsewhere")),))
    if kind == "html":
        return server.serve(path, body=b"<html>maintenance</html>", headers=(("Content-Type", "text/html"),))
    if kind == "deeply-nested":
        return server.serve(path, body=b"[" * 30_000 + b"]" * 30_000, headers=json_type)
    if kind == "not-a-jwks":
        return server.serve_json(path, {"issuer": "https://client.example.org"})
    if kind == "empty-keys":
        return server.serve_json(path, {"keys": []})
    if kind == "oversized":
        return server.serve_json(path, {"keys": [], "pad": "x" * 70_000})
    if kind == "slow":
        return server.serve(path, body=b'{"keys": []}', delay=5.0, headers=json_type)
    if kind == "trickle-headers":
        return server.serve(path, body=b'{"keys": []}', headers=(("X-Pad", "x" * 40),), trickle=0.1, trickle_head=True)
    if kind == "trickle":
        return server.serve(path, body=b'{"keys": [], "pad": "' + b"x" * 40 + b'"}', trickle=0.1, headers=json_type)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "unreachable", "bad-port", "status-500", "status-404", "redirect", "html", "deeply-nested",
        "not-a-jwks", "empty-keys", "oversized", "slow", "trickle", "trickle-headers",
    ],
)
def test_broken_jwks_uri_is_invalid_client(make_client, token_request, keys_server, fetch_conf, kind):
    fetch_conf(TIMEOUT=0.5)
    url = _broken(keys_server, f"/{uuid.uuid4().hex}/{kind}")
    client = make_client(jwks_uri=url)
    started = time.monotonic()
    expect_invalid_client(token_request, client)
    assert time.monotonic() - started < 2.0  # the token endpoint is not held hostage
    assert keys_server.hits["/elsewhere"] == 0


def test_broken_jwks_uri_is_not_cached_as_keys(make_client, token_request, keys_server):
    """Once the client fixes its jwks_uri document, it authenticates."""
    client, path = uri_client(make_client, keys_server, publish_keys=False)
    keys_server.serve(path, status=503)
    expect_invalid_client(token_request, client)
    publish(keys_server, path, client.private_jwk)
    expect_token(token_request, client)
    assert keys_server.hits[path] == 2


@pytest.mark.parametrize("private", ["own-private-key", "symmetric-key"])
def test_jwks_with_private_key_material_is_refused(make_client, token_request, keys_server, private):
    client, path = uri_client(make_client, keys_server, publish_keys=False)
    if private == "own-private-key":
        document = {"keys": [client.private_jwk]}
    else:
        document = {"keys": [jose.public_jwk(client.private_jwk), {"kty": "oct", "k": jose.b64url_encode(b"s" * 32), "kid": "hmac"}]}
    assert "d" in client.private_jwk
    keys_server.serve_json(path, document)
    expect_invalid_client(token_request, client)
    assert keys_server.hits[path] == 1


def test_loopback_jwks_uri_is_not_fetched_once_debug_is_off(make_client, token_request, keys_server, settings):
    client, path = uri_client(make_client, keys_server)
    settings.DEBUG = False
    with watch_connections() as connected:
        expect_invalid_client(token_request, client)
    assert keys_server.hits[path] == 0
    assert not [address for address in connected if address[1] == keys_server.port]


def test_private_address_jwks_uri_is_refused_without_connecting(make_client, token_request, settings):
    settings.DEBUG = False
    client = make_client(jwks_uri="https://169.254.169.254/latest/meta-data/jwks.json")
    with watch_connections() as connected:
        expect_invalid_client(token_request, client)
    assert not [address for address in connected if address[0] not in ("127.0.0.1", "::1")]
