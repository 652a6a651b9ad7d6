"""The ``cnf`` claim of DPoP-bound JWT access tokens (RFC 9449 §6.1)."""

from typing import Any

from .. import context


def confirmation(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    proof = context.of(request).dpop
    return {"cnf": {"jkt": proof.jkt}} if proof is not None else {}
