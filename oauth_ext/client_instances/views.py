"""Self-service: a signed-in user lists their devices and revokes one (JSON for
apps, HTML pages for people, at the same address)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy

from ..core.self_service import OwnRowActionView, OwnRowConfirmPage, OwnRowsListView, OwnRowsPage, negotiated
from .models import ClientInstance
from .services import revoke_audited


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
        return ClientInstance.objects.for_user(request.user).select_related("application", "publisher")


class DeviceListView(_OwnDevices, OwnRowsListView):
    ordering = "-created_at"


class DeviceRevokeView(_OwnDevices, OwnRowActionView):
    def act(self, instance: ClientInstance, user) -> ClientInstance:
        revoke_audited(user, instance)
        return ClientInstance.objects.select_related("application").get(pk=instance.pk)


class DeviceListPage(_OwnDevices, OwnRowsPage):
    template_name = "oauth_ext/devices.html"
    ordering = "-created_at"


class DeviceRevokePage(_OwnDevices, OwnRowConfirmPage):
    template_name = "oauth_ext/device_revoke.html"
    list_url = reverse_lazy("oauth_ext:devices")

    def act(self, instance: ClientInstance, user: Any) -> tuple[bool, str]:
        name = instance.device_label or instance.client_name or instance.application.client_id
        if revoke_audited(user, instance):
            return True, f"{name} is revoked: it can no longer use your account. Your other devices keep working."
        return False, f"{name} was already revoked."


devices = negotiated(DeviceListView.as_view(), DeviceListPage.as_view())
device_revoke = negotiated(DeviceRevokeView.as_view(), DeviceRevokePage.as_view())
