"""Attesters in the admin: keys, their fingerprints, and whom each may attest."""

from django.contrib import admin, messages

from . import services
from .models import Attester


@admin.register(Attester)
class AttesterAdmin(admin.ModelAdmin):
    list_display = ("name", "enabled", "keys_refreshed_at")
    list_filter = ("enabled",)
    search_fields = ("name",)
    readonly_fields = ("fingerprints", "keys_refreshed_at", "created_at", "updated_at")
    actions = ["enable", "disable", "refresh_keys"]

    @admin.display(description="key fingerprints (RFC 7638)")
    def fingerprints(self, obj):
        return ", ".join(obj.key_fingerprints()) or "—"

    @admin.action(description="Enable")
    def enable(self, request, queryset):
        queryset.update(enabled=True)

    @admin.action(description="Disable (its attestations stop working at once)")
    def disable(self, request, queryset):
        queryset.update(enabled=False)

    @admin.action(description="Fetch keys now")
    def refresh_keys(self, request, queryset):
        for attester in queryset:
            try:
                services.refresh_keys(attester)
            except services.key_sets.KeysUnavailable as exc:
                self.message_user(request, f"{attester}: {exc}", messages.ERROR)
