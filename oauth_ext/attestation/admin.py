"""Attesters in the admin: keys, their fingerprints, and whom each may attest; every
change audited."""

from django.contrib import admin
from django.db import models

from ..audit.admin import AuditedAdminMixin, refresh_each, set_enabled
from . import services
from .models import Attester


@admin.register(Attester)
class AttesterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "attester"
    audit_fields = ("name", "jwks", "jwks_uri", "client_ids", "software_ids", "enabled")
    list_display = ("name", "enabled", "fingerprints", "policy", "keys_refreshed_at")
    list_filter = ("enabled",)
    search_fields = ("name",)
    readonly_fields = ("fingerprints", "keys_refreshed_at", "created_at", "updated_at")
    actions = ["enable", "disable", "refresh_keys"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="key fingerprints (RFC 7638)")
    def fingerprints(self, obj):
        if obj.jwks_uri and not obj.jwks:
            return f"fetched from {obj.jwks_uri}"
        return ", ".join(obj.key_fingerprints()) or "—"

    @admin.display(description="may attest")
    def policy(self, obj):
        clients = f"clients {', '.join(obj.client_ids)}" if obj.client_ids else ""
        software = f"software {', '.join(obj.software_ids)}" if obj.software_ids else ""
        return "; ".join(part for part in (clients, software) if part) or "nobody"

    @admin.action(description="Enable", permissions=["change"])
    def enable(self, request, queryset):
        set_enabled(request, queryset, self.audit_name, True)

    @admin.action(description="Disable (its attestations stop working at once)", permissions=["change"])
    def disable(self, request, queryset):
        set_enabled(request, queryset, self.audit_name, False)

    @admin.action(description="Fetch keys now", permissions=["change"])
    def refresh_keys(self, request, queryset):
        refresh_each(self, request, queryset, services.refresh_keys, self.audit_name, ("keys_refreshed_at",),
                     (services.key_sets.KeysUnavailable,))
