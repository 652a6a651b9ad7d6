"""``cnf`` from ``tmb``: registered last, it replaces any key the requester proved."""

from __future__ import annotations

from typing import Any

from .. import context


def confirmation(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    cnf = context.of(request).deferred_cnf
    return {"cnf": cnf} if cnf else {}
