"""Links from the site's User admin to that user's devices and consents, as an
identity server's per-user sessions and consents tabs.

The site's own registered user admin is kept: it is re-registered as a subclass of
itself with :class:`UserLinksMixin` in front, so a custom ``UserAdmin`` (fieldsets,
list columns, actions) keeps working and only gains the links."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html

from ..client_instances.models import ClientInstance
from ..consent.models import ConsentGrant

FIELD = "oauth_ext_devices_and_consents"


def _urls(user: Any) -> tuple[str, str]:
    query = f"?user__id__exact={user.pk}"
    return (reverse("admin:oauth_ext_clientinstance_changelist") + query,
            reverse("admin:oauth_ext_consentgrant_changelist") + query)


class UserLinksMixin:
    """A list column with the two links, and on the change page the same links with counts."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "oauth_ext_links"]

    def get_readonly_fields(self, request, obj=None):
        shown = super().get_readonly_fields(request, obj)
        return [*shown, FIELD] if obj is not None else shown

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        without = [(name, {**opts, "fields": [f for f in opts["fields"] if f != FIELD]}) for name, opts in fieldsets]
        return [*without, ("Devices and permissions", {"fields": [FIELD]})]

    @admin.display(description="devices and consents")
    def oauth_ext_links(self, obj):
        devices, consents = _urls(obj)
        return format_html('<a href="{}">devices</a> · <a href="{}">consents</a>', devices, consents)

    @admin.display(description="devices and consents")
    def oauth_ext_devices_and_consents(self, obj):
        devices, consents = _urls(obj)
        instances, grants = ClientInstance.objects.filter(user=obj), ConsentGrant.objects.filter(user=obj)
        return format_html('<a href="{}">{} device(s), {} active</a> · <a href="{}">{} consent(s), {} active</a>',
                           devices, instances.count(), instances.active().count(),
                           consents, grants.count(), grants.active().count())


def link_user_admin(site: admin.AdminSite) -> None:
    """Give the user admin registered on ``site`` the links; nothing when the user
    model is not registered there, or already has them."""
    user_model = get_user_model()
    registered = site._registry.get(user_model)
    if registered is None or isinstance(registered, UserLinksMixin):
        return
    base = type(registered)
    linked = type(base.__name__, (UserLinksMixin, base), {"__module__": base.__module__})
    site.unregister(user_model)
    site.register(user_model, linked)
