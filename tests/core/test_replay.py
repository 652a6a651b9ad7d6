"""The replay store: single use across processes, and closed when unreachable."""

import os
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from oauth2_provider.models import AccessToken

from oauth_ext.attestation import challenges
from oauth_ext.client_sdk.dpop import DPoPKey
from oauth_ext.core import replay
from oauth_ext.core.errors import TemporarilyUnavailable
from oauth_ext.core.models import ReplayStoreStart


def test_a_value_is_accepted_once():
    replay.claim_once("test", "value-1", ttl=30, not_before=time.time())
    with pytest.raises(replay.Replayed):
        replay.claim_once("test", "value-1", ttl=30, not_before=time.time())
    replay.claim_once("other-namespace", "value-1", ttl=30, not_before=time.time())


def test_unreachable_store_fails_closed(settings):
    settings.CACHES = {
        **settings.CACHES,
        "dead": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "dead"}
    with pytest.raises(TemporarilyUnavailable):
        replay.claim_once("test", "value-2", ttl=30, not_before=time.time())


def test_unreachable_store_refuses_client_assertions(settings, make_client, token_request):
    client = make_client()
    settings.CACHES = {
        **settings.CACHES,
        "dead": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "dead"}
    status, body, _ = token_request({"grant_type": "client_credentials", **client.form()})
    assert (status, body["error"]) == (503, "temporarily_unavailable")
    assert "access_token" not in body


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_one_assertion(live_server, make_client):
    """Through a threaded server and the real Redis store: exactly one wins."""
    client = make_client()
    form = {"grant_type": "client_credentials", **client.form()}

    def submit(_):
        return requests.post(f"{live_server.url}/o/token/", data=form, timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(submit, range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [401] * 19, statuses
    assert all(r.json()["error"] == "invalid_client" for r in responses if r.status_code == 401)


# A store that forgot: flushed, or restarted without persistence.

def own_store(settings, location: str) -> str:
    """Point the replay store at a cache alias of this test's own (own key prefix)."""
    prefix = f"oauth_ext_test_replay_{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "replay_own": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location, "KEY_PREFIX": prefix}}
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "replay_own", "CLIENT_AUTH": {"CLOCK_SKEW": 0}}
    return prefix


@pytest.fixture
def forgetful_store(settings):
    """The replay store in this test's own namespace of the suite's Redis; calling the
    fixture's value deletes every key of that namespace (and nothing else)."""
    location = settings.CACHES["default"]["LOCATION"]
    prefix = own_store(settings, location)
    server = redis.Redis.from_url(location)

    def forget() -> int:
        keys = list(server.scan_iter(match=f"{prefix}:*", count=1000))
        return server.delete(*keys) if keys else 0

    yield forget
    forget()


def token(client, form, **headers):
    response = client.post("/o/token/", {"grant_type": "client_credentials", **form}, **headers)
    return response.status_code, response.json()


def test_a_new_deployments_store_takes_its_first_assertion_and_a_restarted_one_does_not(make_client, client,
                                                                                        forgetful_store):
    """A store that never held a claim forgot nothing: an assertion made a moment before
    the first request is accepted; once the store has held claims, losing them is not
    mistaken for a new start."""
    registered = make_client()
    made_before = registered.form(registered.assertion(iat=int(time.time()) - 5))
    assert not ReplayStoreStart.objects.exists()
    assert token(client, made_before)[0] == 200
    assert ReplayStoreStart.objects.filter(store="replay_own").count() == 1
    other = registered.form(registered.assertion(iat=int(time.time()) - 5))
    forgetful_store()
    status, body = token(client, other)
    assert (status, body["error"]) == (401, "invalid_client")
    assert AccessToken.objects.filter(application=registered.app).count() == 1


def test_an_assertion_used_before_the_store_forgot_is_refused(make_client, client, forgetful_store):
    registered = make_client()
    form = registered.form()
    assert token(client, form)[0] == 200
    assert forgetful_store() > 0  # the store forgets the jti, and its epoch
    status, body = token(client, form)
    assert (status, body["error"]) == (401, "invalid_client")
    assert AccessToken.objects.filter(application=registered.app).count() == 1
    time.sleep(1.1)  # a fresh assertion, made after the store's new epoch, is accepted
    assert token(client, registered.form(registered.assertion(iat=int(time.time()))))[0] == 200


def test_a_dpop_proof_used_before_the_store_forgot_is_refused(make_client, client, forgetful_store, settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "DPOP": {"CLOCK_SKEW": 0}}
    registered = make_client()
    key = DPoPKey.generate()
    proof = key.proof("POST", "https://as.example.com/o/token/")
    assert token(client, registered.form(), HTTP_DPOP=proof)[0] == 200
    forgetful_store()
    with pytest.raises(replay.Replayed):  # the first claim after forgetting sets a new epoch ...
        replay.claim_once("test", uuid.uuid4().hex, ttl=5, not_before=time.time())
    time.sleep(1.1)  # ... after which a fresh client assertion is accepted, but not the old proof
    status, body = token(client, registered.form(registered.assertion(iat=int(time.time()))), HTTP_DPOP=proof)
    assert (status, body["error"]) == (400, "invalid_dpop_proof")
    assert AccessToken.objects.filter(application=registered.app).count() == 1


def test_a_challenge_redeemed_before_the_store_forgot_is_refused(db, forgetful_store):
    issued = challenges.issue()
    assert challenges.redeem(issued)
    forgetful_store()
    assert not challenges.redeem(issued)


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of this test's own on a port of the suite's range, without
    persistence; ``restart()`` stops it and starts it again, empty."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is required for the restart test (apt-get install redis-server)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    port = 18201
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = redis.Redis(port=port)
        for _ in range(100):
            try:
                server.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.05)
        process.kill()
        pytest.fail(f"redis-server did not start on port {port}")

    state = {"process": start()}

    def restart():
        state["process"].terminate()
        state["process"].wait(timeout=10)
        state["process"] = start()

    yield f"redis://127.0.0.1:{port}/0", restart
    state["process"].terminate()
    state["process"].wait(timeout=10)


def test_an_assertion_used_before_redis_restarted_is_refused(make_client, client, settings, redis_server):
    location, restart = redis_server
    own_store(settings, location)
    registered = make_client()
    form = registered.form()
    assert token(client, form)[0] == 200
    restart()
    status, body = token(client, form)
    assert (status, body["error"]) == (401, "invalid_client")
    assert AccessToken.objects.filter(application=registered.app).count() == 1
