"""Self-service: a signed-in user lists their devices and revokes one."""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ClientInstance
from .services import revoke_instance


def describe(instance: ClientInstance) -> dict:
    return {
        "id": instance.pk,
        "client_id": instance.application.client_id,
        "client_name": instance.client_name,
        "software_id": instance.software_id,
        "software_version": instance.software_version,
        "device_label": instance.device_label,
        "platform": instance.platform,
        "created_at": instance.created_at,
        "last_used_at": instance.last_used_at,
        "active": instance.is_active,
    }


class _UserAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]


class DeviceListView(_UserAPIView):
    def get(self, request):
        instances = ClientInstance.objects.for_user(request.user).select_related("application").order_by("-created_at")
        return Response([describe(i) for i in instances])


class DeviceRevokeView(_UserAPIView):
    def post(self, request, pk: int):
        instance = ClientInstance.objects.for_user(request.user).select_related("application").filter(pk=pk).first()
        if instance is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(describe(revoke_instance(instance, by=request.user)))
