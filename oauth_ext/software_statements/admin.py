"""The trust store in the admin: publishers, their key fingerprints and policy."""

from django.contrib import admin, messages

from . import services
from .models import SoftwarePublisher


@admin.register(SoftwarePublisher)
class SoftwarePublisherAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "enabled", "allow_stateless", "keys_refreshed_at")
    list_filter = ("enabled", "allow_stateless")
    search_fields = ("name", "issuer")
    readonly_fields = ("fingerprints", "keys_refreshed_at", "created_at", "updated_at")
    actions = ["enable", "disable", "refresh_keys"]

    @admin.display(description="key fingerprints (RFC 7638)")
    def fingerprints(self, obj):
        return ", ".join(obj.key_fingerprints()) or "—"

    @admin.action(description="Enable")
    def enable(self, request, queryset):
        queryset.update(enabled=True)

    @admin.action(description="Disable (stops new registrations at once)")
    def disable(self, request, queryset):
        queryset.update(enabled=False)

    @admin.action(description="Fetch keys now")
    def refresh_keys(self, request, queryset):
        for publisher in queryset:
            try:
                services.refresh_keys(publisher)
            except services.key_sets.KeysUnavailable as exc:
                self.message_user(request, f"{publisher}: {exc}", messages.ERROR)
