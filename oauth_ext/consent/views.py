"""Self-service: a signed-in user lists the consents they gave and withdraws one
(JSON for apps, HTML pages for people, at the same address)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from oauth2_provider.scopes import get_scopes_backend

from ..core.self_service import OwnRowActionView, OwnRowConfirmPage, OwnRowsListView, OwnRowsPage, negotiated
from ..rar import services as rar
from . import resources
from .models import ConsentGrant
from .services import withdraw_audited


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
        withdraw_audited(user, grant)
        return ConsentGrant.objects.get(pk=grant.pk)


class ConsentListPage(_OwnConsents, OwnRowsPage):
    template_name = "oauth_ext/consents.html"
    ordering = "-granted_at"

    def present(self, grant: ConsentGrant) -> dict[str, Any]:
        """The scopes and services in the words the consent page used."""
        words = get_scopes_backend().get_all_scopes()
        return {"grant": grant, "scopes": [words.get(s, s) for s in grant.scopes],
                "services": [resources.name(r) for r in grant.resources],
                "details": [rar.describe(d) for d in grant.authorization_details or []]}


class ConsentWithdrawPage(_OwnConsents, OwnRowConfirmPage):
    template_name = "oauth_ext/consent_withdraw.html"
    list_url = reverse_lazy("oauth_ext:consents")

    def act(self, grant: ConsentGrant, user: Any) -> tuple[bool, str]:
        if withdraw_audited(user, grant):
            return True, f"You withdrew {grant.client_name}'s permission: it can no longer use your account on any device."
        return False, f"{grant.client_name}'s permission had already ended."


consents = negotiated(ConsentListView.as_view(), ConsentListPage.as_view())
consent_withdraw = negotiated(ConsentWithdrawView.as_view(), ConsentWithdrawPage.as_view())
