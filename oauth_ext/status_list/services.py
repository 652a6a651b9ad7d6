"""Allocation, status changes and rebuilds: the one place that writes status lists.

Views, the validator, signal receivers, admin actions, Celery tasks and management
commands all call these functions.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable

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


def list_uri(list_id: int) -> str:
    return endpoint_url("oauth_ext:status-list", list_id)


def _reserve(list_id: int) -> tuple[int, int, bytes] | None:
    """Atomically take the next position of a list: ``(position, size, key)``."""
    table = connection.ops.quote_name(StatusList._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_position = next_position + 1 "  # noqa: S608 - table name from the model
            "WHERE id = %s AND next_position < size RETURNING next_position, size, permutation_key",
            [list_id],
        )
        row = cursor.fetchone()
    return (row[0] - 1, row[1], bytes(row[2])) if row else None


def allocate() -> tuple[int, int]:
    """A fresh ``(list id, index)``: never handed out before, whatever the number of
    processes, because positions are taken by one atomic UPDATE each and map to
    indices through a bijection."""
    conf = app_settings.STATUS_LIST
    shape = (conf.BITS, conf.SIZE)
    for _ in range(5):
        list_id = _current.get(shape)
        reserved = _reserve(list_id) if list_id is not None else None
        if reserved is None:
            open_list = StatusList.objects.filter(bits=conf.BITS, size=conf.SIZE, next_position__lt=conf.SIZE).order_by("-pk").first()
            if open_list is None:
                open_list = StatusList.objects.create(bits=conf.BITS, size=conf.SIZE)
                transaction.on_commit(lambda pk=open_list.pk: schedule_rebuild(pk))
            _current[shape] = list_id = open_list.pk
            reserved = _reserve(list_id)
        if reserved is not None:
            position, size, key = reserved
            return list_id, permute(position, size, key)
    raise RuntimeError("could not allocate a status list index")


def record(list_id: int, idx: int, token: str) -> None:
    """Remember which token holds ``idx`` (idempotent: a re-sent token keeps its entry)."""
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    StatusEntry.objects.bulk_create(
        [StatusEntry(status_list_id=list_id, idx=idx, token_checksum=checksum)], ignore_conflicts=True
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
        transaction.on_commit(lambda: [schedule_rebuild(pk) for pk in lists])
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

    One transaction that first locks the list: concurrent rebuilds of a list take
    turns, and a rebuild that dies anywhere rolls back, leaving the previous token
    served.
    """
    conf = app_settings.STATUS_LIST
    caches[app_settings.REPLAY_CACHE].delete(_debounce_key(list_id))
    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().get(pk=list_id)
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
        status_list.token = active_key().sign(claims, typ=STATUS_LIST_TYP)
        status_list.etag = hashlib.sha256(status_list.token.encode()).hexdigest()[:32]
        status_list.issued_at, status_list.expires_at, status_list.built_changes = now, expires, seen_changes
        status_list.save(update_fields=["token", "etag", "issued_at", "expires_at", "built_changes"])
    if StatusList.objects.filter(pk=list_id, changes__gt=seen_changes).exists():
        schedule_rebuild(list_id)
    return status_list


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
