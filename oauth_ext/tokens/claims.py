"""Claims of JWT access tokens (RFC 9068 §2.2) and the extension point for more.

A provider is a callable ``(request, claims) -> dict`` whose result is merged in.
Features declare theirs (``Feature.claims``: ``cnf`` for DPoP, ...); a site
lists its own in ``OAUTH_EXT["ACCESS_TOKENS"]["CLAIMS_PROVIDERS"]``. Site providers
cannot override the registered claims nor what a feature sets.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .. import features
from ..conf import app_settings
from ..core import jose, untrusted_json

REGISTERED = ("iss", "sub", "aud", "exp", "iat", "jti", "client_id")


@functools.lru_cache(maxsize=8)
def _providers(paths: tuple[str, ...]) -> tuple[Callable[..., dict[str, Any]], ...]:
    return tuple(import_string(p) for p in paths)


def audiences(request: Any) -> str | list[str]:
    """RFC 8707 resources of the request, else ``DEFAULT_AUDIENCE``, else the issuer."""
    resource = getattr(request, "resource", None)
    values = [v for k, v in (getattr(request, "decoded_body", None) or []) if k == "resource"]
    if not values and resource:
        values = [resource] if isinstance(resource, str) else list(resource)
    if not values:
        default = app_settings.ACCESS_TOKENS.DEFAULT_AUDIENCE or app_settings.issuer
        if default is None:
            raise ImproperlyConfigured("an access token needs an audience: set ISSUER or ACCESS_TOKENS.DEFAULT_AUDIENCE")
        values = [default] if isinstance(default, str) else list(default)
    return values[0] if len(values) == 1 else values


def access_token_claims(request: Any, *, now: int | None = None) -> dict[str, Any]:
    """The claims of the access token being issued for ``request``."""
    now = int(time.time()) if now is None else now
    client_id = request.client.client_id if request.client is not None else request.client_id
    user = getattr(request, "user", None)
    claims: dict[str, Any] = {
        "iss": app_settings.issuer,
        # RFC 9068 §2.2: sub is the resource owner, or the client itself when the
        # grant has none (client_credentials).
        "sub": str(user.pk) if user is not None and getattr(user, "pk", None) is not None else client_id,
        "aud": audiences(request),
        "exp": now + int(request.expires_in),
        "iat": now,
        "jti": uuid.uuid4().hex,
        "client_id": client_id,
    }
    if request.scopes:
        claims["scope"] = " ".join(request.scopes)
    for provider in _providers(tuple(app_settings.ACCESS_TOKENS.CLAIMS_PROVIDERS)):
        extra = provider(request, dict(claims)) or {}
        claims.update({k: v for k, v in extra.items() if k not in REGISTERED})
    for provider in features.claim_providers():  # later ones win (features.FEATURES)
        claims.update(provider(request, dict(claims)) or {})
    return claims


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of one of our stored JWT access tokens, or {} for any other token.

    Only for tokens found in DOT's table: their signature was made here.
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return {}
    try:
        claims = untrusted_json.loads(jose.b64url_decode(parts[1]))
    except (jose.JOSEError, ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def token_type(claims: dict[str, Any]) -> str:
    """The token type a token's ``cnf`` makes it: DPoP (``jkt``), pop (``jwk`` or
    ``jwe``, RFC 7800), or Bearer."""
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict):
        return "Bearer"
    if "jkt" in cnf:
        return "DPoP"
    return "pop" if {"jwk", "jwe"} & cnf.keys() else "Bearer"
