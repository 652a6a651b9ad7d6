"""Trust domains in the admin: bundle endpoint, last bundle, refresh."""

from django.contrib import admin, messages

from . import bundles, services
from .models import SpiffeTrustDomain


@admin.register(SpiffeTrustDomain)
class SpiffeTrustDomainAdmin(admin.ModelAdmin):
    list_display = ("trust_domain", "bundle_endpoint", "enabled", "spiffe_sequence", "refreshed_at")
    list_filter = ("enabled",)
    search_fields = ("trust_domain",)
    readonly_fields = ("spiffe_sequence", "refreshed_at", "created_at", "updated_at")
    actions = ["refresh_bundles"]

    @admin.action(description="Fetch bundles now")
    def refresh_bundles(self, request, queryset):
        for domain in queryset:
            try:
                services.refresh(domain)
            except bundles.BundleError as exc:
                self.message_user(request, str(exc), messages.ERROR)
