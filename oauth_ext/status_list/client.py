"""Checking a token's status at a resource server, from a cached Status List Token
(draft §8.3). A list of this site is read from its table; another server's is
fetched with the safe fetcher. Lists are verified with the AS keys and cached for
their ``ttl`` (never past ``exp``).
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from ..core import fetch, jose
from .encoding import BITS, VALID, StatusArray
from .services import STATUS_LIST_TYP, served

MAX_TTL = 86_400
_cache: dict[str, tuple[StatusArray, float]] = {}
_lock = threading.Lock()


class StatusUnknown(Exception):
    """No statement about the token's status can be made: it must be rejected (§8.3)."""


def _local_token(uri: str) -> str | None:
    from ..core.issuer import endpoint_url
    from .views import StatusListView

    try:
        match = resolve(urlsplit(uri).path)
    except Resolver404:
        return None
    if getattr(match.func, "view_class", None) is not StatusListView:
        return None
    if endpoint_url("oauth_ext:status-list", match.kwargs["pk"]) != uri:
        return None
    status_list = served(match.kwargs["pk"])
    if status_list is None:
        raise StatusUnknown("no such status list")
    return status_list.token


def _load(uri: str, keys: list[dict[str, Any]]) -> tuple[StatusArray, float]:
    try:
        token = _local_token(uri) or fetch.fetch(uri, accept="application/statuslist+jwt").decode("ascii")
        header = jose.unverified_header(token, max_bytes=4 * 1024 * 1024)
        if header.get("typ") != STATUS_LIST_TYP:  # §5.1
            raise StatusUnknown(f"typ {header.get('typ')!r}")
        key = jose.select_key(keys, kid=header.get("kid"), alg=header["alg"])
        _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms=jose.ASYMMETRIC_ALGORITHMS, max_bytes=4 * 1024 * 1024)
        now = time.time()
        exp, ttl, status_list = claims.get("exp"), claims.get("ttl", MAX_TTL), claims.get("status_list")
        if claims.get("sub") != uri:  # §8.3 (4a)
            raise StatusUnknown("sub does not match the uri")
        if not isinstance(exp, (int, float)) or exp <= now:  # §8.3 (4c)
            raise StatusUnknown("status list expired")
        if not isinstance(status_list, dict) or status_list.get("bits") not in BITS:
            raise StatusUnknown("malformed status_list")
        array = StatusArray.from_lst(status_list["lst"], status_list["bits"])
    except (jose.JOSEError, fetch.FetchError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise StatusUnknown(str(exc)) from exc
    ttl = ttl if isinstance(ttl, (int, float)) and ttl > 0 else MAX_TTL
    return array, min(now + min(ttl, MAX_TTL), exp)


def token_status(claims: dict[str, Any], *, keys: list[dict[str, Any]]) -> int | None:
    """The status of the token with these claims, None when it carries no status
    reference; raises :class:`StatusUnknown` when its list cannot be trusted or the
    index is outside it."""
    status = claims.get("status")
    if status is None:
        return None
    reference = status.get("status_list") if isinstance(status, dict) else None
    idx, uri = (reference or {}).get("idx"), (reference or {}).get("uri")
    if not isinstance(idx, int) or isinstance(idx, bool) or idx < 0 or not isinstance(uri, str):
        raise StatusUnknown("malformed status claim")  # §8.3 (1)
    with _lock:
        cached = _cache.get(uri)
    if cached is None or cached[1] <= time.time():  # §8.3 (4d): refetch after ttl
        cached = _load(uri, keys)
        with _lock:
            _cache[uri] = cached
    try:
        return cached[0][idx]
    except IndexError as exc:
        raise StatusUnknown("index outside the status list") from exc  # §8.3 (6)


def is_valid(claims: dict[str, Any], *, keys: list[dict[str, Any]]) -> bool:
    return token_status(claims, keys=keys) in (None, VALID)


def forget() -> None:
    """Drop every cached list (the next check fetches afresh)."""
    with _lock:
        _cache.clear()
