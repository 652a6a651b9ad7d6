"""Self-service: a signed-in user lists the consents they gave and withdraws one."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

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


class _UserAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]


class ConsentListView(_UserAPIView):
    def get(self, request):
        grants = ConsentGrant.objects.for_user(request.user).order_by("-granted_at")
        return Response([describe(g) for g in grants])


class ConsentWithdrawView(_UserAPIView):
    def post(self, request, pk: int):
        grant = ConsentGrant.objects.for_user(request.user).filter(pk=pk).first()
        if grant is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(describe(withdraw(grant, by=request.user)))
