"""Self-service: a signed-in user lists their devices and revokes one."""

from __future__ import annotations

from ..core.self_service import OwnRowActionView, OwnRowsListView
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


class _OwnDevices:
    describe = staticmethod(describe)

    def owned(self, request):
        return ClientInstance.objects.for_user(request.user).select_related("application")


class DeviceListView(_OwnDevices, OwnRowsListView):
    ordering = "-created_at"


class DeviceRevokeView(_OwnDevices, OwnRowActionView):
    def act(self, instance: ClientInstance, user) -> ClientInstance:
        return revoke_instance(instance, by=user)
