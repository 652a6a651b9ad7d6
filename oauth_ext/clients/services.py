"""Client profiles and the public keys clients authenticate with."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.cache import caches
from django.db import transaction
from oauth2_provider.models import get_application_model

from ..conf import app_settings
from ..core import fetch, jose
from .models import ClientProfile

logger = logging.getLogger(__name__)


class ClientKeysUnavailable(Exception):
    """The client's keys could not be obtained. The message is for logs."""


def load_client(client_id: str):
    """The Application with its profile in one query, or None."""
    if not isinstance(client_id, str) or not client_id or "\x00" in client_id or len(client_id) > 255:
        return None
    Application = get_application_model()
    try:
        return Application.objects.select_related("oauth_ext_profile").get(client_id=client_id)
    except Application.DoesNotExist:
        return None


def get_profile(application: Any) -> ClientProfile | None:
    try:
        return application.oauth_ext_profile
    except ClientProfile.DoesNotExist:
        return None


@transaction.atomic
def set_client_keys(
    application: Any,
    *,
    method: str = "private_key_jwt",
    jwks: dict[str, Any] | None = None,
    jwks_uri: str = "",
    signing_alg: str = "",
) -> ClientProfile:
    """Create or update the client's profile after full validation."""
    profile = get_profile(application) or ClientProfile(application=application)
    profile.token_endpoint_auth_method = method
    profile.jwks = jwks
    profile.jwks_uri = jwks_uri
    profile.token_endpoint_auth_signing_alg = signing_alg
    profile.full_clean()
    profile.save()
    return profile


def _fetch_keys(url: str) -> list[dict[str, Any]]:
    try:
        return jose.validate_public_jwks(fetch.fetch_json(url))
    except (fetch.FetchError, jose.JOSEError) as exc:
        raise ClientKeysUnavailable(str(exc)) from exc


def client_keys(profile: ClientProfile, *, kid: str | None, alg: str) -> dict[str, Any]:
    """The client's public JWK for ``kid``/``alg``.

    Inline keys are used as registered. Keys at ``jwks_uri`` are cached for
    ``CACHE_TTL``; an unknown ``kid`` triggers one refetch, at most every
    ``REFETCH_INTERVAL`` seconds per URL, so a client can rotate its keys.
    """
    if profile.jwks:
        return jose.select_key(profile.jwks["keys"], kid=kid, alg=alg)
    if not profile.jwks_uri:
        raise ClientKeysUnavailable("client has neither jwks nor jwks_uri")
    conf = app_settings.JWKS_FETCH
    cache = caches[conf.CACHE]
    cache_key = "oauth_ext:jwks:" + hashlib.sha256(profile.jwks_uri.encode()).hexdigest()
    keys = cache.get(cache_key)
    fresh = keys is None
    if fresh:
        keys = _fetch_keys(profile.jwks_uri)
        cache.set(cache_key, keys, conf.CACHE_TTL)
    try:
        return jose.select_key(keys, kid=kid, alg=alg)
    except jose.KeyNotFound:
        if fresh or not cache.add(cache_key + ":refetch", 1, conf.REFETCH_INTERVAL):
            raise
    logger.info("unknown kid %r for %s: refetching", kid, profile.jwks_uri)
    keys = _fetch_keys(profile.jwks_uri)
    cache.set(cache_key, keys, conf.CACHE_TTL)
    return jose.select_key(keys, kid=kid, alg=alg)
