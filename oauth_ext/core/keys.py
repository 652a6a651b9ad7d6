"""The authorization server's signing keys (``OAUTH_EXT["KEYS"]["SIGNING"]``).

The first key signs; every key is published so tokens signed before a rotation keep
verifying until they expire. Keys are parsed once per distinct configuration.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from ..conf import app_settings
from . import jose


class SigningKeyError(Exception):
    """The configured signing keys cannot be used."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str
    private_key: Any
    public_jwk: dict[str, Any]

    def sign(self, claims: dict[str, Any], *, typ: str) -> str:
        return jose.sign(claims, key=self.private_key, alg=self.alg, headers={"typ": typ, "kid": self.kid})


def _load_one(item: Any) -> SigningKey:
    if isinstance(item, (str, Path)):
        text = Path(item).read_text()
        if text.lstrip().startswith("{"):
            item = json.loads(text)
        else:
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, jose.PrivateKey):
                raise SigningKeyError("a PEM signing key is an RSA, EC, Ed25519 or Ed448 key")
            item = jose.private_key_to_jwk(key)
    if not isinstance(item, dict):
        raise SigningKeyError("each signing key is a private JWK or a path to one (or to a PEM)")
    private_key = jose.load_private_jwk(item)
    jwk = jose.private_key_to_jwk(private_key, alg=item.get("alg"), kid=item.get("kid"))
    if jwk["alg"] not in jose.ASYMMETRIC_ALGORITHMS:
        raise SigningKeyError(f"signing algorithm {jwk['alg']!r} is not an asymmetric JWS algorithm")
    return SigningKey(kid=jwk["kid"], alg=jwk["alg"], private_key=private_key, public_jwk=jose.public_jwk(jwk))


@functools.lru_cache(maxsize=8)
def _load(config: str) -> tuple[SigningKey, ...]:
    try:
        return tuple(_load_one(item) for item in json.loads(config))
    except (OSError, ValueError, jose.JOSEError) as exc:
        raise SigningKeyError(str(exc)) from exc


def signing_keys() -> tuple[SigningKey, ...]:
    """All configured keys, active first."""
    return _load(json.dumps(app_settings.KEYS.SIGNING, sort_keys=True, default=str))


def active_key() -> SigningKey:
    keys = signing_keys()
    if not keys:
        raise SigningKeyError('no signing key configured in OAUTH_EXT["KEYS"]["SIGNING"]')
    return keys[0]


def public_jwks() -> dict[str, list[dict[str, Any]]]:
    return {"keys": [key.public_jwk for key in signing_keys()]}
