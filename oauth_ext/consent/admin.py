"""Consent grants in the admin: per user, with a withdraw action."""

from django.contrib import admin

from .models import ConsentGrant
from .services import withdraw


@admin.register(ConsentGrant)
class ConsentGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "client_name", "granted_at", "expires_at", "revoked_at", "ended")
    list_filter = ("ended", "revoked_at")
    search_fields = ("user__username", "client_name", "software_key")
    raw_id_fields = ("user", "application")
    readonly_fields = ("user", "software_key", "client_name", "application", "scopes", "resources",
                       "authorization_details", "granted_at", "expires_at", "revoked_at", "ended")
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A consent ends by being withdrawn (its tokens die with it), never deleted.
        return False

    @admin.action(description="Withdraw selected consents")
    def withdraw(self, request, queryset):
        for grant in queryset:
            withdraw(grant, by=request.user)
