"""Trust domains in the admin: bundle endpoint, the bundle's key fingerprints, last
fetch, enable / disable and refresh; every change audited."""

from django.contrib import admin
from django.db import models

from ..audit.admin import AuditedAdminMixin, refresh_each, set_enabled
from ..core import jose
from . import bundles, services
from .models import SpiffeTrustDomain


@admin.register(SpiffeTrustDomain)
class SpiffeTrustDomainAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "spiffe_trust_domain"
    audit_fields = ("trust_domain", "bundle_endpoint", "enabled")
    list_display = ("trust_domain", "bundle_endpoint", "enabled", "fingerprints", "spiffe_sequence", "refreshed_at")
    list_filter = ("enabled",)
    search_fields = ("trust_domain",)
    readonly_fields = ("fingerprints", "spiffe_sequence", "refreshed_at", "created_at", "updated_at")
    actions = ["enable", "disable", "refresh_bundles"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="bundle key fingerprints (RFC 7638)")
    def fingerprints(self, obj):
        keys = (obj.bundle or {}).get("keys", []) if isinstance(obj.bundle, dict) else []
        prints = []
        for key in keys:
            try:
                prints.append(f"{jose.jwk_thumbprint(key)} ({key.get('use', '?')})")
            except jose.JOSEError:
                prints.append("unreadable key")
        return ", ".join(prints) or "—"

    @admin.action(description="Enable", permissions=["change"])
    def enable(self, request, queryset):
        set_enabled(request, queryset, self.audit_name, True)

    @admin.action(description="Disable (its SVIDs stop working at once)", permissions=["change"])
    def disable(self, request, queryset):
        set_enabled(request, queryset, self.audit_name, False)

    @admin.action(description="Fetch bundles now", permissions=["change"])
    def refresh_bundles(self, request, queryset):
        refresh_each(self, request, queryset, services.refresh, self.audit_name, ("spiffe_sequence", "refreshed_at"),
                     (bundles.BundleError,))
