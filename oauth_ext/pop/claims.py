"""The ``cnf`` claim of PoP access tokens (RFC 7800 §3.2, §3.3)."""

from typing import Any

from .. import context
from . import keys


def confirmation(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    pop = context.of(request).pop
    if pop is None:
        return {}
    if pop.jwk is not None:
        return {"cnf": {"jwk": pop.jwk}}
    if pop.resource is None:
        raise ValueError("a PoP request names a key or a resource")
    return {"cnf": {"jwe": keys.encrypt_for(pop.resource, keys.symmetric_key(claims["jti"]))}}
