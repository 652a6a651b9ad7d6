"""Allocation in blocks (no row updated per token) and rebuilds that lock nothing."""

import hashlib
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from oauth_ext.status_list import services
from oauth_ext.status_list.models import StatusEntry, StatusList


def _writes(captured):
    return [q["sql"] for q in captured.captured_queries if q["sql"].split(None, 1)[0].upper() in ("UPDATE", "INSERT", "DELETE")]


@pytest.mark.django_db(transaction=True)
def test_a_block_serves_many_tokens_with_one_update(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"BLOCK": 50}}
    with CaptureQueriesContext(connection) as captured:
        allocated = [services.allocate() for _ in range(120)]
    reservations = [sql for sql in _writes(captured) if sql.startswith("UPDATE") and "next_position" in sql]
    assert len(reservations) == 3  # 50 + 50 + 20 of a third block
    assert len(set(allocated)) == 120
    status_list = StatusList.objects.get(pk=allocated[0][0])
    assert status_list.next_position == 150  # the rest of the third block is never handed out


@pytest.mark.django_db(transaction=True)
def test_blocks_end_at_the_list_size_and_the_next_list_opens(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"SIZE": 10, "BLOCK": 4}}
    allocated = [services.allocate() for _ in range(25)]
    lists = sorted({list_id for list_id, _ in allocated})
    assert len(lists) == 3
    for list_id in lists:
        indices = [idx for lid, idx in allocated if lid == list_id]
        assert len(indices) == len(set(indices)) and all(0 <= i < 10 for i in indices)
    assert [len([1 for lid, _ in allocated if lid == x]) for x in lists] == [10, 10, 5]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_takes_back_what_it_reserved(settings):
    """Inside a transaction the reservation is part of it: after a rollback no
    process holds positions the database does not count as taken."""
    from django.db import transaction

    services.allocate()  # opens the list outside the transaction
    list_id = services._blocks[(1, 1_048_576)].list_id
    before = StatusList.objects.get(pk=list_id).next_position
    def allocate_and_fail() -> None:
        with transaction.atomic():
            services.allocate()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        allocate_and_fail()
    assert StatusList.objects.get(pk=list_id).next_position == before


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_takes_no_lock_and_opens_no_transaction(issue):
    token = issue()
    list_id = StatusEntry.objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).status_list_id
    StatusEntry.objects.filter(status_list_id=list_id).update(status=1)
    with CaptureQueriesContext(connection) as captured:
        services.rebuild(list_id)
    sqls = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in sqls if "FOR UPDATE" in s or s in ("BEGIN", "COMMIT")]
    assert [s for s in _writes(captured)] == [s for s in sqls if s.startswith('UPDATE "oauth_ext_statuslist" SET "token"')]


@pytest.mark.django_db(transaction=True)
def test_allocation_goes_on_while_a_rebuild_holds_the_list(issue, settings):
    """A transaction holding the list row (as the rebuild of the old design did for its
    whole run) does not stall allocation from a block already reserved."""
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"BLOCK": 100}}
    services.allocate()
    list_id = services._blocks[(1, 1_048_576)].list_id
    holder = connections.create_connection("default")
    cursor = holder.cursor()
    cursor.execute("BEGIN")
    cursor.execute("SELECT id FROM oauth_ext_statuslist WHERE id = %s FOR UPDATE", [list_id])
    try:
        done = []
        worker = threading.Thread(target=lambda: done.extend(services.allocate() for _ in range(50)))
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive() and len(done) == 50
    finally:
        cursor.execute("ROLLBACK")
        holder.close()
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_rebuild_is_idempotent_and_never_replaces_a_newer_list(issue):
    token = issue()
    list_id = StatusEntry.objects.get(token_checksum=hashlib.sha256(token.encode()).hexdigest()).status_list_id
    StatusList.objects.filter(pk=list_id).update(changes=5)
    newest = services.rebuild(list_id)
    assert newest.built_changes == 5
    assert services.rebuild(list_id).built_changes == 5  # again: the same state, re-signed
    served = StatusList.objects.get(pk=list_id).token
    StatusList.objects.filter(pk=list_id).update(changes=3)  # a rebuild that read the counter earlier
    stale = services.rebuild(list_id)
    assert StatusList.objects.get(pk=list_id).token == served == stale.token
    assert stale.built_changes == 5
