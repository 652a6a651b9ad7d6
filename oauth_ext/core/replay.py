"""Single-use values (``jti``, nonces) on a shared Django cache.

``cache.add`` is atomic on Redis (``SET NX``), so across every process behind a load
balancer exactly one request can claim a value. When the store cannot be reached we
fail closed: the request is refused as temporarily unavailable, never let through.
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.core.cache import caches

from ..conf import app_settings
from .errors import TemporarilyUnavailable

logger = logging.getLogger(__name__)


class Replayed(Exception):
    """The value was already used within its validity window."""


def claim_once(namespace: str, value: str, *, ttl: float) -> None:
    """Record ``value`` as used for ``ttl`` seconds; raise :class:`Replayed` if it was."""
    digest = hashlib.sha256(f"{namespace}\x00{value}".encode("utf-8", "surrogatepass")).hexdigest()
    key = f"oauth_ext:once:{namespace}:{digest}"
    try:
        added = caches[app_settings.REPLAY_CACHE].add(key, 1, timeout=max(1, math.ceil(ttl)))
    except Exception as exc:  # any backend failure: fail closed
        logger.error("replay store unreachable: %s", exc)
        raise TemporarilyUnavailable(reason=f"replay store unreachable: {exc}") from exc
    if not added:
        raise Replayed(f"{namespace} value already used")
