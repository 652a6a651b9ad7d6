"""The client, its profile and its instance, cached as one object per client_id.

Every token request reads them; caching saves that query. Any save or delete of an
Application, ClientProfile or ClientInstance forgets the entry at once and again
after commit (a request that read the old row before the commit cannot keep it
cached past that point); code that changes these rows with ``QuerySet.update``
calls :func:`forget`. ``TTL`` bounds what a change made outside Django (SQL by hand)
leaves cached. A cache that fails is skipped: the database answers.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.cache import caches
from django.db import transaction

from ..conf import app_settings

logger = logging.getLogger(__name__)


def _key(client_id: str) -> str:
    return "oauth_ext:client:" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()


def get(client_id: str) -> Any | None:
    conf = app_settings.CLIENT_CACHE
    if not conf.TTL:
        return None
    try:
        return caches[conf.CACHE].get(_key(client_id))
    except Exception:  # noqa: BLE001 - a cache outage costs a query, nothing else
        logger.warning("client cache unavailable", exc_info=True)
        return None


def put(client: Any) -> None:
    conf = app_settings.CLIENT_CACHE
    if not conf.TTL:
        return
    try:
        caches[conf.CACHE].set(_key(client.client_id), client, conf.TTL)
    except Exception:  # noqa: BLE001
        logger.warning("client cache unavailable", exc_info=True)


def forget(*client_ids: str) -> None:
    """Drop the entries now and after the current transaction commits."""
    keys = [_key(c) for c in dict.fromkeys(client_ids) if c]

    def drop() -> None:
        try:
            caches[app_settings.CLIENT_CACHE.CACHE].delete_many(keys)
        except Exception:  # noqa: BLE001
            logger.exception("could not forget cached clients %s", client_ids)

    if keys:
        drop()
        transaction.on_commit(drop)
