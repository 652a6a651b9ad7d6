"""The replay store: single use across processes, and closed when unreachable."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from oauth_ext.core import replay
from oauth_ext.core.errors import TemporarilyUnavailable


def test_a_value_is_accepted_once():
    replay.claim_once("test", "value-1", ttl=30)
    with pytest.raises(replay.Replayed):
        replay.claim_once("test", "value-1", ttl=30)
    replay.claim_once("other-namespace", "value-1", ttl=30)


def test_unreachable_store_fails_closed(settings):
    settings.CACHES = {
        **settings.CACHES,
        "dead": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "REPLAY_CACHE": "dead"}
    with pytest.raises(TemporarilyUnavailable):
        replay.claim_once("test", "value-2", ttl=30)


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
