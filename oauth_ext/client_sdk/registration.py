"""The two steps between a key pair and a signed assertion, free of Django:

- a vendor signs a software statement (RFC 7591 §2.3) with its publisher key;
- an installation registers itself (RFC 7591 §3.1) with that statement and its own
  public key, and keeps the ``client_id`` and ``registration_access_token``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from ..core import jose

STATEMENT_LIFETIME = 365 * 86400


def sign_statement(private_jwk: dict[str, Any], *, issuer: str, software_id: str, claims: dict[str, Any] | None = None,
                   lifetime: int = STATEMENT_LIFETIME, now: int | None = None) -> str:
    """A software statement: the vendor's client metadata (``claims``) signed with
    its publisher key, ``iss`` the publisher's issuer as the trust store records it."""
    now = int(time.time()) if now is None else now
    body = {**(claims or {}), "iss": issuer, "software_id": software_id, "iat": now, "exp": now + lifetime,
            "jti": uuid.uuid4().hex}
    alg = private_jwk.get("alg") or jose.default_algorithm(private_jwk)
    headers = {"kid": private_jwk["kid"]} if private_jwk.get("kid") else {}
    return jose.sign(body, key=jose.load_private_jwk(private_jwk), alg=alg, headers=headers)


def register(registration_endpoint: str, *, software_statement: str, private_jwk: dict[str, Any],
             metadata: dict[str, Any] | None = None, initial_access_token: str | None = None,
             timeout: float = 10) -> requests.Response:
    """Register this installation: the statement, its public key for ``private_key_jwt``
    and any further metadata (``device_label``, ``platform`` ...)."""
    body = {**(metadata or {}), "software_statement": software_statement,
            "token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": [jose.public_jwk(private_jwk)]}}
    headers = {"Authorization": f"Bearer {initial_access_token}"} if initial_access_token else {}
    return requests.post(registration_endpoint, json=body, headers=headers, timeout=timeout)
