"""``cnf`` from ``tmb``: registered last, it replaces any key the requester proved."""

from __future__ import annotations

from typing import Any


def confirmation(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    cnf = getattr(request, "deferred_cnf", None)
    return {"cnf": cnf} if cnf else {}
