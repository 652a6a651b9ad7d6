"""Client profiles and the public keys clients authenticate with."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from oauth2_provider.models import get_application_model

from ..core import jwks as key_sets
from . import cache
from .models import ClientProfile


def load_client(client_id: str):
    """The Application with its profile and instance, or None: from the client cache,
    else in one query (and then cached)."""
    if not isinstance(client_id, str) or not client_id or "\x00" in client_id or len(client_id) > 255:
        return None
    client = cache.get(client_id)
    if client is not None:
        return client
    Application = get_application_model()
    try:
        client = Application.objects.select_related("oauth_ext_profile", "oauth_ext_instance").get(client_id=client_id)
    except Application.DoesNotExist:
        return None
    cache.put(client)
    return client


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
    **metadata: Any,
) -> ClientProfile:
    """Create or update the client's profile after full validation; ``metadata`` sets
    further profile fields (``spiffe_id``, ``tls_client_auth_san_dns`` ...)."""
    profile = get_profile(application) or ClientProfile(application=application)
    profile.token_endpoint_auth_method = method
    profile.jwks = jwks
    profile.jwks_uri = jwks_uri
    profile.token_endpoint_auth_signing_alg = signing_alg
    for name, value in metadata.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def client_keys(profile: ClientProfile, *, kid: str | None, alg: str) -> dict[str, Any]:
    """The client's public JWK for ``kid``/``alg`` (see :mod:`oauth_ext.core.jwks`)."""
    return key_sets.select(jwks=profile.jwks, jwks_uri=profile.jwks_uri, kid=kid, alg=alg)
