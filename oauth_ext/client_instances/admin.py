"""Client instances in the admin, with revocation of one device."""

from django.contrib import admin

from .models import ClientInstance
from .services import revoke_instance


@admin.register(ClientInstance)
class ClientInstanceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "software_id", "software_version", "created_at", "last_used_at", "revoked_at")
    list_filter = ("software_id", "software_version", "revoked_at")
    search_fields = ("application__client_id", "device_label", "client_name", "user__username")
    raw_id_fields = ("application", "user")
    readonly_fields = ("registration_access_token_hash", "software_statement", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description="Revoke selected devices")
    def revoke(self, request, queryset):
        for instance in queryset:
            revoke_instance(instance, by=request.user)
