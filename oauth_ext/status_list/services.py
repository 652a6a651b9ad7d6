"""Allocation, status changes and rebuilds: the one place that writes status lists.

Views, the validator, signal receivers, admin actions, Celery tasks and management
commands all call these functions.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..conf import app_settings
from ..core.issuer import endpoint_url
from ..core.keys import active_key
from .encoding import INVALID, StatusArray
from .models import StatusEntry, StatusList
from .permutation import permute

logger = logging.getLogger(__name__)

STATUS_LIST_TYP = "statuslist+jwt"
_current: dict[tuple[int, int], int] = {}  # (bits, size) -> id of the list being filled


def list_uri(list_id: int) -> str | None:
    return endpoint_url("oauth_ext:status-list", list_id)


@dataclass
class _Block:
    """Positions ``[next, end)`` of a list, reserved by this process."""

    pid: int
    list_id: int
    size: int
    key: bytes
    next: int
    end: int


_blocks: dict[tuple[int, int], _Block] = {}  # (bits, size) -> this process's block
_lock = threading.Lock()  # threaded workers share the block


def _reserve(list_id: int, count: int) -> tuple[int, int, int, bytes] | None:
    """Atomically take the next ``count`` positions of a list: ``(first, end, size, key)``.

    ``next_position`` only grows (it may pass ``size``; the block is clipped), so a
    position is never reserved twice. The row is the allocation counter alone: a
    rebuild never locks it.
    """
    table = connection.ops.quote_name(StatusList._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_position = next_position + %s "  # noqa: S608 - table name from the model
            "WHERE id = %s AND next_position < size RETURNING next_position, size, permutation_key",
            [count, list_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    end, size = row[0], row[1]
    return end - count, min(end, size), size, bytes(row[2])


def _new_block(shape: tuple[int, int], count: int) -> _Block:
    """Reserve ``count`` positions of the newest open list (opening one if none is)."""
    bits, size = shape
    for _ in range(5):
        list_id = _current.get(shape)
        reserved = _reserve(list_id, count) if list_id is not None else None
        if reserved is None:
            open_list = StatusList.objects.filter(bits=bits, size=size, next_position__lt=size).order_by("-pk").first()
            if open_list is None:
                open_list = StatusList.objects.create(bits=bits, size=size)
                transaction.on_commit(functools.partial(schedule_rebuild, open_list.pk))
            _current[shape] = list_id = open_list.pk
            reserved = _reserve(list_id, count)
        if reserved is not None and list_id is not None:
            first, end, list_size, key = reserved
            return _Block(os.getpid(), list_id, list_size, key, first, end)
    raise RuntimeError("could not allocate a status list index")


def allocate() -> tuple[int, int]:
    """A fresh ``(list id, index)``, never handed out before, whatever the number of
    processes: positions are reserved ``BLOCK`` at a time by one atomic UPDATE and map
    to indices through a bijection, so allocation costs no round trip between blocks.

    Inside a transaction the block is one position, reserved in that transaction: a
    rollback then takes back exactly what it reserved, and no process keeps positions
    that the database no longer counts as taken. Positions reserved by a process that
    dies unused are never handed out; their indices stay VALID in the list, held by no
    token.
    """
    conf = app_settings.STATUS_LIST
    shape = (conf.BITS, conf.SIZE)
    if connection.in_atomic_block:
        single = _new_block(shape, 1)
        return single.list_id, permute(single.next, single.size, single.key)
    with _lock:
        block = _blocks.get(shape)
        if block is None or block.next >= block.end or block.pid != os.getpid():  # a forked child reserves its own
            _blocks[shape] = block = _new_block(shape, conf.BLOCK)
        position = block.next
        block.next += 1
    return block.list_id, permute(position, block.size, block.key)


def record(list_id: int, idx: int, token: str) -> None:
    """Remember which token holds ``idx`` (idempotent: a re-sent token keeps its entry)."""
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    table = connection.ops.quote_name(StatusEntry._meta.db_table)
    with connection.cursor() as cursor:  # one statement: no transaction of its own (bulk_create opens one)
        cursor.execute(
            f"INSERT INTO {table} (status_list_id, idx, status, token_checksum, changed_at) "  # noqa: S608 - table name from the model
            "VALUES (%s, %s, 0, %s, %s) ON CONFLICT (token_checksum) DO NOTHING",
            [list_id, idx, checksum, timezone.now()],
        )


def set_status(token_checksums: Iterable[str], status: int = INVALID) -> set[int]:
    """Set the status of the tokens with these checksums; the lists rebuild after commit."""
    checksums = list(token_checksums)
    if not checksums:
        return set()
    with transaction.atomic():
        entries = StatusEntry.objects.filter(token_checksum__in=checksums).exclude(status=status)
        lists = set(entries.values_list("status_list_id", flat=True))
        if StatusList.objects.filter(pk__in=lists, bits__lt=status.bit_length()).exists():
            raise ValueError(f"status {status} needs more bits than these lists have (SUSPENDED needs 2)")
        entries.update(status=status)
        StatusList.objects.filter(pk__in=lists).update(changes=F("changes") + 1)
        transaction.on_commit(functools.partial(_schedule_rebuilds, lists))
    return lists


def _debounce_key(list_id: int) -> str:
    return f"oauth_ext:status-list-rebuild:{list_id}"


def _rebuild_task():
    """The Celery task, or None where Celery is not installed."""
    try:
        from .tasks import rebuild_status_list
    except ModuleNotFoundError as exc:
        if exc.name != "celery":
            raise
        return None
    return rebuild_status_list


def schedule_rebuild(list_id: int) -> None:
    """Queue one rebuild per list per ``DEBOUNCE`` window, however many changes come.

    Without Celery installed (``pip install oauth-ext[celery]``) the rebuild runs inline,
    as Celery's eager mode would."""
    rebuild_status_list = _rebuild_task()
    try:
        if rebuild_status_list is None:
            rebuild(list_id)
            return
        if not caches[app_settings.REPLAY_CACHE].add(_debounce_key(list_id), 1, app_settings.STATUS_LIST.DEBOUNCE):
            return
        rebuild_status_list.apply_async((list_id,), countdown=app_settings.STATUS_LIST.DEBOUNCE)
    except Exception:  # the periodic reissue still picks the change up
        logger.exception("could not schedule a rebuild of status list %s", list_id)


def rebuild(list_id: int) -> StatusList:
    """Encode, sign and swap in a new Status List Token for the list (draft §5.1).

    Idempotent and lock-free: it reads the change counter, then the entries (every
    change counted so far is committed, so visible), and swaps the token in with one
    UPDATE that applies only if no rebuild has stored a newer state meanwhile. It holds
    no lock while it encodes and signs, so token issuance (which reserves positions on
    the same row) never waits for it. A rebuild that dies anywhere writes nothing, and
    running it again (a redelivered task) does the same work again.
    """
    conf = app_settings.STATUS_LIST
    caches[app_settings.REPLAY_CACHE].delete(_debounce_key(list_id))
    status_list = StatusList.objects.defer("token").get(pk=list_id)
    seen_changes = status_list.changes
    array = StatusArray(status_list.size, status_list.bits)
    array.update(
        # status > 0, not NOT (status = 0): the (list, status) index serves it.
        StatusEntry.objects.filter(status_list_id=list_id, status__gt=0)
        .values_list("idx", "status").iterator(chunk_size=10_000)
    )
    now = timezone.now().replace(microsecond=0)
    expires = now + datetime.timedelta(seconds=conf.VALIDITY)
    claims = {
        "iss": app_settings.issuer,
        "sub": list_uri(list_id),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "ttl": conf.TTL,
        "status_list": {"bits": status_list.bits, "lst": array.lst()},
    }
    token = active_key().sign(claims, typ=STATUS_LIST_TYP)
    fields = {"token": token, "etag": hashlib.sha256(token.encode()).hexdigest()[:32],
              "issued_at": now, "expires_at": expires, "built_changes": seen_changes}
    # Newer state wins: a slower rebuild that read fewer changes never overwrites it.
    if StatusList.objects.filter(pk=list_id, built_changes__lte=seen_changes).update(**fields):
        for name, value in fields.items():
            setattr(status_list, name, value)
    else:
        status_list = StatusList.objects.get(pk=list_id)
    if StatusList.objects.filter(pk=list_id, changes__gt=seen_changes).exists():
        schedule_rebuild(list_id)
    return status_list


def _schedule_rebuilds(list_ids: Iterable[int]) -> None:
    for list_id in list_ids:
        schedule_rebuild(list_id)


def served(list_id: int) -> StatusList | None:
    """The list as it is served: built on first demand if no token exists yet."""
    status_list = StatusList.objects.only("token", "etag", "expires_at").filter(pk=list_id).first()
    if status_list is not None and not status_list.token:
        status_list = rebuild(list_id)
    return status_list


def reissue_expiring() -> list[int]:
    """Rebuild the lists never built, changed since, or close to expiry."""
    horizon = timezone.now() + datetime.timedelta(seconds=app_settings.STATUS_LIST.REISSUE_BEFORE)
    due = StatusList.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__lte=horizon) | Q(changes__gt=F("built_changes"))
    ).values_list("pk", flat=True)
    rebuilt = []
    for list_id in due:
        rebuild(list_id)
        rebuilt.append(list_id)
    return rebuilt
