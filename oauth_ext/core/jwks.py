"""Public keys published by others (a client's ``jwks_uri``, a software publisher's
keys): inline sets as given, remote sets fetched safely, cached for ``CACHE_TTL``,
and refetched at most every ``REFETCH_INTERVAL`` seconds when a ``kid`` is unknown,
so key rotation works without letting unknown ``kid``s hammer the owner."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.cache import caches

from ..conf import app_settings
from . import fetch, jose
from .errors import TemporarilyUnavailable

logger = logging.getLogger(__name__)


class KeysUnavailable(Exception):
    """The key set could not be obtained. The message is for logs."""


def fetch_keys(url: str) -> list[dict[str, Any]]:
    try:
        return jose.validate_public_jwks(fetch.fetch_json(url))
    except (fetch.FetchError, jose.JOSEError) as exc:
        raise KeysUnavailable(str(exc)) from exc


def _cache_key(url: str) -> str:
    return "oauth_ext:jwks:" + hashlib.sha256(url.encode()).hexdigest()


def _cache(operation: str, *args: Any, **kwargs: Any) -> Any:
    """One operation on the key cache; a cache that cannot be reached fails closed."""
    try:
        return getattr(caches[app_settings.JWKS_FETCH.CACHE], operation)(*args, **kwargs)
    except Exception as exc:  # any backend failure
        logger.error("key cache unreachable: %s", exc)
        raise TemporarilyUnavailable(reason=f"key cache unreachable: {exc}") from exc


def refresh(url: str) -> list[dict[str, Any]]:
    """Fetch the set at ``url`` now and cache it."""
    keys = fetch_keys(url)
    _cache("set", _cache_key(url), keys, app_settings.JWKS_FETCH.CACHE_TTL)
    return keys


def all_keys(*, jwks: dict[str, Any] | None, jwks_uri: str) -> list[dict[str, Any]]:
    """Every key of an inline set or of the (cached) set at ``jwks_uri``."""
    if jwks:
        inline: list[dict[str, Any]] = jwks["keys"]
        return inline
    if not jwks_uri:
        raise KeysUnavailable("neither jwks nor jwks_uri")
    keys = _cache("get", _cache_key(jwks_uri))
    return keys if keys is not None else refresh(jwks_uri)


def select(*, jwks: dict[str, Any] | None, jwks_uri: str, kid: str | None, alg: str) -> dict[str, Any]:
    """The public JWK for ``kid``/``alg`` from an inline set or the one at ``jwks_uri``."""
    if jwks:
        return jose.select_key(jwks["keys"], kid=kid, alg=alg)
    if not jwks_uri:
        raise KeysUnavailable("neither jwks nor jwks_uri")
    conf = app_settings.JWKS_FETCH
    keys = _cache("get", _cache_key(jwks_uri))
    fresh = keys is None
    if fresh:
        keys = refresh(jwks_uri)
    try:
        return jose.select_key(keys, kid=kid, alg=alg)
    except jose.KeyNotFound:
        if fresh or not _cache("add", _cache_key(jwks_uri) + ":refetch", 1, conf.REFETCH_INTERVAL):
            raise
    logger.info("unknown kid %r at %s: refetching", kid, jwks_uri)
    return jose.select_key(refresh(jwks_uri), kid=kid, alg=alg)
