"""Consent grants in the admin: per user, with a withdraw action that is audited."""

from django.contrib import admin, messages

from . import resources
from .models import ConsentGrant
from .services import withdraw_audited


@admin.register(ConsentGrant)
class ConsentGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "client_name", "granted", "granted_at", "expires_at", "revoked_at", "ended")
    list_filter = ("ended", "revoked_at")
    search_fields = ("user__username", "client_name", "software_key")
    raw_id_fields = ("user", "application")
    readonly_fields = ("user", "software_key", "client_name", "application", "scopes", "resources",
                       "authorization_details", "granted_at", "expires_at", "revoked_at", "ended")
    actions = ["withdraw"]

    @admin.display(description="granted")
    def granted(self, obj):
        """Scopes, then services by name, then RAR types: what the user said yes to."""
        parts = [" ".join(obj.scopes)] if obj.scopes else []
        parts += [resources.name(uri) for uri in obj.resources]
        parts += [detail.get("type", "?") for detail in obj.authorization_details or [] if isinstance(detail, dict)]
        return "; ".join(parts) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A consent ends by being withdrawn (its tokens die with it), never deleted.
        return False

    @admin.action(description="Withdraw selected consents (their tokens stop working at once)", permissions=["change"])
    def withdraw(self, request, queryset):
        ended = queryset.filter(revoked_at__isnull=False).count()
        count = sum(withdraw_audited(request.user, grant) for grant in queryset.filter(revoked_at__isnull=True))
        if count:
            self.message_user(request, f"{count} consent(s) withdrawn; the tokens they backed no longer work.", messages.SUCCESS)
        if ended:
            self.message_user(request, f"{ended} consent(s) had already ended (withdrawn or expired); nothing changed for them.",
                              messages.WARNING)
