"""Status lists in the admin: what is served, how much is revoked, rebuild now."""

from django.contrib import admin, messages
from django.db.models import Count, Q

from ..audit import services as audit
from . import services
from .models import StatusList


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ("id", "bits", "size", "allocated", "entries_count", "revoked_count", "last_rebuild", "served_exp", "pending_changes")
    readonly_fields = ("bits", "size", "next_position", "changes", "built_changes", "etag", "issued_at", "expires_at", "created_at")
    exclude = ("token",)
    actions = ["rebuild_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            entries_total=Count("entries"), revoked_total=Count("entries", filter=Q(entries__status__gt=0))
        )

    @admin.display(description="allocated")
    def allocated(self, obj):
        return obj.next_position

    @admin.display(description="tokens", ordering="entries_total")
    def entries_count(self, obj):
        return obj.entries_total

    @admin.display(description="revoked or suspended", ordering="revoked_total")
    def revoked_count(self, obj):
        return obj.revoked_total

    @admin.display(description="last rebuild", ordering="issued_at")
    def last_rebuild(self, obj):
        return obj.issued_at or "never"

    @admin.display(description="served exp", ordering="expires_at")
    def served_exp(self, obj):
        return obj.expires_at or "—"

    @admin.display(boolean=True, description="rebuild pending")
    def pending_changes(self, obj):
        return obj.changes > obj.built_changes

    @admin.action(description="Rebuild and re-sign now", permissions=["change"])
    def rebuild_now(self, request, queryset):
        for status_list in queryset:
            services.rebuild(status_list.pk)
            rebuilt = StatusList.objects.get(pk=status_list.pk)
            audit.record(request.user, "status_list.rebuild", rebuilt, {"issued_at": status_list.issued_at},
                         {"issued_at": rebuilt.issued_at})
        self.message_user(request, f"{queryset.count()} status list(s) rebuilt.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False  # lists open themselves as tokens are issued
