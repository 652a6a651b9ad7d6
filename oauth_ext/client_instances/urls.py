"""A user's devices, and revoking one. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import device_revoke, devices

urlpatterns = [
    path("devices/", devices, name="devices"),
    path("devices/<int:pk>/revoke", device_revoke, name="device-revoke"),
]
