"""Self-service: a signed-in user lists the consents they gave and withdraws one."""

from __future__ import annotations

from typing import Any

from ..core.self_service import OwnRowActionView, OwnRowsListView
from . import resources
from .models import ConsentGrant
from .services import withdraw


def describe(grant: ConsentGrant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "client_name": grant.client_name,
        "scopes": grant.scopes,
        "resources": [{"uri": r, "name": resources.name(r)} for r in grant.resources],
        "authorization_details": grant.authorization_details,
        "granted_at": grant.granted_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
        "active": grant.is_active,
    }


class _OwnConsents:
    describe = staticmethod(describe)

    def owned(self, request):
        return ConsentGrant.objects.for_user(request.user)


class ConsentListView(_OwnConsents, OwnRowsListView):
    ordering = "-granted_at"


class ConsentWithdrawView(_OwnConsents, OwnRowActionView):
    def act(self, grant: ConsentGrant, user) -> ConsentGrant:
        return withdraw(grant, by=user)
