"""Status lists across processes: concurrent allocation on PostgreSQL, and rebuilds by
a real Celery worker on Redis (debounced, and safe when the worker dies mid-rebuild)."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection, connections
from oauth2_provider.models import get_access_token_model

from example_project.celery import app as celery_app
from oauth_ext.core import jose
from oauth_ext.status_list import services
from oauth_ext.status_list.encoding import StatusArray
from oauth_ext.status_list.models import StatusList

ROOT = Path(__file__).resolve().parents[2]
ALLOCATE = """
import json, sys, django
django.setup()
from django.conf import settings
from django.test.utils import override_settings
from oauth_ext.status_list.services import allocate
with override_settings(OAUTH_EXT={**settings.OAUTH_EXT, "STATUS_LIST": {"SIZE": 500, "BLOCK": int(sys.argv[2])}}):
    print(json.dumps([allocate() for _ in range(int(sys.argv[1]))]))
"""


def _env(**extra):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "OAUTH_EXT_TEST_DB": connection.settings_dict["NAME"], **extra}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("block", [1, 7])
def test_parallel_processes_never_share_an_index(block):
    processes = [
        subprocess.Popen([sys.executable, "-c", ALLOCATE, "300", str(block)], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    allocated = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        allocated += [tuple(pair) for pair in json.loads(out)]
    assert len(allocated) == 1200
    assert len(set(allocated)) == 1200  # no (list, index) handed out twice
    assert all(0 <= idx < 500 for _, idx in allocated)
    assert len({list_id for list_id, _ in allocated}) >= 3  # lists filled up and rolled over under contention


@pytest.fixture
def worker_key(settings):
    """One signing key for this process and the worker, so either can sign lists."""
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "KEYS": {"SIGNING": [key]}, "STATUS_LIST": {"DEBOUNCE": 1}}
    return key


@pytest.fixture
def broker(worker_key):
    """Send tasks to Redis for real, on a queue of this test's own."""
    queue = f"oauth_ext_test_{uuid.uuid4().hex}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    yield queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    redis.Redis.from_url(celery_app.conf.broker_url).delete(queue)


def start_worker(queue, key, **env):
    env = _env(OAUTH_EXT_CELERY_EAGER="0", CELERY_QUEUE=queue, OAUTH_EXT_TEST_SIGNING_KEY=json.dumps(key), **env)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "example_project", "worker", "-Q", queue, "--pool", "solo",
         "--concurrency", "1", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def issue_tokens(make_client, token_request, count):
    registered = make_client()
    tokens = []
    for _ in range(count):
        status, body, _ = token_request({"grant_type": "client_credentials", **registered.form()})
        assert status == 200, body
        tokens.append(body["access_token"])
    return tokens


def bits_of(list_id):
    token = StatusList.objects.get(pk=list_id).token
    claims = json.loads(jose.b64url_decode(token.split(".")[1]))
    return StatusArray.from_lst(claims["status_list"]["lst"], claims["status_list"]["bits"])


def revoke(token):
    get_access_token_model().objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).revoke()


def reference(token):
    ref = json.loads(jose.b64url_decode(token.split(".")[1]))["status"]["status_list"]
    return int(ref["uri"].rsplit("/", 1)[1]), ref["idx"]


@pytest.mark.django_db(transaction=True)
def test_worker_rebuilds_after_a_burst_of_revocations(broker, worker_key, make_client, token_request):
    tokens = issue_tokens(make_client, token_request, 5)
    list_id, _ = reference(tokens[0])
    services.rebuild(list_id)
    queue = redis.Redis.from_url(celery_app.conf.broker_url)
    queue.delete(broker)
    for token in tokens:  # a burst: five revocations, one rebuild queued
        revoke(token)
    assert queue.llen(broker) == 1
    worker = start_worker(broker, worker_key)
    try:
        assert wait_for(lambda: all(bits_of(list_id)[reference(t)[1]] == 1 for t in tokens)), "worker did not rebuild"
    finally:
        stop(worker)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_rebuild_leaves_the_previous_list_served_and_the_next_worker_rebuilds(
        broker, worker_key, make_client, token_request, client):
    """The worker is killed (SIGKILL) inside its rebuild, held at its read of the entries
    by a table lock this test takes: nothing is written and the previous list stays
    served. The task was not acknowledged, so once the broker's visibility timeout has
    passed the next worker gets it again and the list is rebuilt, without the periodic
    reissue."""
    token = issue_tokens(make_client, token_request, 1)[0]
    list_id, idx = reference(token)
    served_before = services.rebuild(list_id).token
    queue = redis.Redis.from_url(celery_app.conf.broker_url)
    queue.delete(broker)  # the rebuild queued when the list opened: done already
    revoke(token)  # queues the rebuild; no worker runs yet
    assert queue.llen(broker) == 1  # the one delivery the killed worker loses
    blocker = connections.create_connection("default")
    cursor = blocker.cursor()
    cursor.execute("BEGIN")
    cursor.execute("LOCK TABLE oauth_ext_statusentry IN ACCESS EXCLUSIVE MODE")  # the rebuild's read must wait
    worker = start_worker(broker, worker_key, CELERY_VISIBILITY_TIMEOUT="3")
    try:

        def worker_inside_its_rebuild():
            with connection.cursor() as probe:
                probe.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                              "AND query LIKE '%%FROM \"oauth_ext_statusentry\"%%' AND pid <> %s",
                              [blocker.connection.info.backend_pid])
                return probe.fetchone()[0] > 0

        assert wait_for(worker_inside_its_rebuild), "worker never started its rebuild"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        cursor.execute("ROLLBACK")
        blocker.close()
        stop(worker)
    assert StatusList.objects.get(pk=list_id).token == served_before
    response = client.get(f"/o/statuslists/{list_id}")
    assert response.status_code == 200 and response.content.decode() == served_before
    assert bits_of(list_id)[idx] == 0  # the previous, complete list
    time.sleep(3)  # the visibility timeout of the lost delivery
    worker = start_worker(broker, worker_key, CELERY_VISIBILITY_TIMEOUT="3")
    try:
        assert wait_for(lambda: bits_of(list_id)[idx] == 1, timeout=90), "the lost rebuild was not redelivered"
    finally:
        stop(worker)
    status_list = StatusList.objects.get(pk=list_id)
    assert status_list.built_changes == status_list.changes


def test_rebuild_tasks_are_acknowledged_late_and_redelivered_when_their_worker_is_lost():
    from oauth_ext.status_list.tasks import rebuild_status_list, reissue_status_lists

    for task in (rebuild_status_list, reissue_status_lists):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
