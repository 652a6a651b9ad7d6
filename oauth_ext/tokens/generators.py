"""Token generators for DOT's ``ACCESS_TOKEN_GENERATOR`` / ``REFRESH_TOKEN_GENERATOR``.

The JWT is still stored through DOT's AccessToken (its checksum indexes it), so
DOT's introspection, revocation and expiry keep working on it unchanged.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749.tokens import random_token_generator

from ..core.keys import active_key
from .claims import access_token_claims

#: RFC 9068 §2.1 media type of JWT access tokens.
ACCESS_TOKEN_TYP = "at+jwt"


def signed_token_generator(request: Any, refresh_token: bool = False) -> str:
    """An RFC 9068 JWT access token, signed with the active AS key."""
    return active_key().sign(access_token_claims(request), typ=ACCESS_TOKEN_TYP)


def opaque_token_generator(request: Any, refresh_token: bool = False) -> str:
    """Opaque refresh tokens: set as ``REFRESH_TOKEN_GENERATOR`` so that refresh
    tokens are not JWTs (oauthlib otherwise reuses the access token generator)."""
    return random_token_generator(request)
