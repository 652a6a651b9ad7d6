"""The example project's Celery app on a real worker: every beat entry names a task
the worker registered, and each one runs to success."""

import json
import re
import subprocess
import sys
import time
import uuid

import pytest
import redis

from example_project.celery import app as celery_app

from ..status_list.test_workers import ROOT, _env, stop, wait_for


@pytest.fixture
def worker(tmp_path):
    """A worker of ``example_project`` on a queue of this test's own, storing results
    in the broker's Redis database; yields (queue, log file)."""
    queue = f"oauth_ext_test_{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    env = _env(OAUTH_EXT_CELERY_EAGER="0", CELERY_QUEUE=queue, OAUTH_EXT_CELERY_RESULT_BACKEND=celery_app.conf.broker_url)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "example_project", "worker", "-Q", queue, "--pool", "solo",
             "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT,
        )
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False  # send to the broker
    try:
        assert wait_for(lambda: "ready." in log.read_text(), timeout=60), log.read_text()
        yield queue, log
    finally:
        celery_app.conf.task_always_eager = eager
        stop(process)
        redis.Redis.from_url(celery_app.conf.broker_url).delete(queue)


@pytest.mark.django_db(transaction=True)
def test_every_beat_entry_is_registered_and_runs(worker):
    queue, log = worker
    schedule = celery_app.conf.beat_schedule
    names = {entry["task"] for entry in schedule.values()}
    assert {"oauth_ext.attestation.refresh_keys", "oauth_ext.spiffe.refresh_bundles"} <= names
    registered = set(re.findall(r"^\s+\. (\S+)$", log.read_text().split("[tasks]", 1)[1].split("\n\n", 1)[0], re.M))
    assert names <= registered, f"not registered by the worker: {sorted(names - registered)}"

    results = redis.Redis.from_url(celery_app.conf.broker_url)
    sent = {name: celery_app.send_task(name, queue=queue).id for name in sorted(names)}

    def outcome(task_id):
        stored = results.get(f"celery-task-meta-{task_id}")
        return json.loads(stored)["status"] if stored else None

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(outcome(i) not in ("SUCCESS", "FAILURE") for i in sent.values()):
        time.sleep(0.3)
    assert {name: outcome(i) for name, i in sent.items()} == dict.fromkeys(sent, "SUCCESS"), log.read_text()
    assert "unregistered task" not in log.read_text()
    results.delete(*[f"celery-task-meta-{i}" for i in sent.values()])
