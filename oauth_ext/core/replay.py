"""Single-use values (``jti``, nonces) on a shared Django cache.

``cache.add`` is atomic on Redis (``SET NX``), so across every process behind a load
balancer exactly one request can claim a value. When the store cannot be reached we
fail closed: the request is refused as temporarily unavailable, never let through.

A store that lost its keys (Redis restarted without persistence, was flushed, or
evicted the epoch) would accept a value used before. So the store keeps an
*epoch*: the moment from which it remembers every claim, written with ``cache.add``
whenever it is missing and never moved otherwise. A store that never held a claim
(a new deployment, told apart by a ``ReplayStoreStart`` row in the database) has
forgotten nothing: its epoch is 0. A store that held claims and lost its epoch
forgot at that moment: a value that could have been accepted before it is refused
as a replay. Callers pass ``not_before``, the earliest moment their value could
first have been accepted (its ``iat`` less the clock skew), so after a restart
values made up to the skew before it are refused once and clients retry. Redis must not evict
these keys while they live (``maxmemory-policy noeviction``): a claim evicted while
the epoch survives is not detected.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.core.cache import caches

from ..conf import app_settings
from .errors import TemporarilyUnavailable
from .models import ReplayStoreStart

logger = logging.getLogger(__name__)

#: Cache key of the store's epoch (seconds since 1970, a float).
EPOCH_KEY = "oauth_ext:once:epoch"


class Replayed(Exception):
    """The value was already used within its validity window, or may have been
    (made before the store's epoch)."""


def claim_once(namespace: str, value: str, *, ttl: float, not_before: float) -> None:
    """Record ``value`` as used for ``ttl`` seconds; raise :class:`Replayed` if it was,
    or if it could have been accepted (at ``not_before``) before the store's epoch."""
    digest = hashlib.sha256(f"{namespace}\x00{value}".encode("utf-8", "surrogatepass")).hexdigest()
    key = f"oauth_ext:once:{namespace}:{digest}"
    cache = caches[app_settings.REPLAY_CACHE]
    try:
        epoch = cache.get(EPOCH_KEY)
        if epoch is None:
            cache.add(EPOCH_KEY, _new_epoch(), timeout=None)
            epoch = cache.get(EPOCH_KEY)
        if epoch is None:
            raise RuntimeError("the replay store does not keep its epoch")
        if not_before < epoch:
            logger.warning("%s value from before the replay store's epoch refused", namespace)
            raise Replayed(f"{namespace} value older than the replay store's memory")
        added = cache.add(key, 1, timeout=max(1, math.ceil(ttl)))
    except Replayed:
        raise
    except Exception as exc:  # any backend failure: fail closed
        logger.error("replay store unreachable: %s", exc)
        raise TemporarilyUnavailable(reason=f"replay store unreachable: {exc}") from exc
    if not added:
        raise Replayed(f"{namespace} value already used")


def _new_epoch() -> float:
    """0 for a store that never held a claim, else now: it forgot what it held."""
    _, first = ReplayStoreStart.objects.get_or_create(store=app_settings.REPLAY_CACHE)
    return 0.0 if first else time.time()
