"""Trust domains in the admin: bundle endpoint, the bundle's key fingerprints, last
fetch, enable / disable and refresh; every change audited."""

from django.contrib import admin

from ..audit.admin import TrustStoreAdminMixin, disable_action, refresh_each
from ..core import jose
from . import bundles, services
from .models import SpiffeTrustDomain


@admin.register(SpiffeTrustDomain)
class SpiffeTrustDomainAdmin(TrustStoreAdminMixin, admin.ModelAdmin):
    audit_name = "spiffe_trust_domain"
    audit_fields = ("trust_domain", "bundle_endpoint", "enabled")
    list_display = ("trust_domain", "bundle_endpoint", "enabled", "fingerprints", "spiffe_sequence", "refreshed_at")
    search_fields = ("trust_domain",)
    readonly_fields = ("fingerprints", "spiffe_sequence", "refreshed_at", "created_at", "updated_at")
    # The form in the model's own order (enabled and the dates come from core.trust.TrustedParty).
    fields = ("trust_domain", "bundle_endpoint", "bundle", "enabled", *readonly_fields)
    actions = ["enable", "disable", "refresh_bundles"]
    disable = disable_action("Disable (its SVIDs stop working at once)")

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

    @admin.action(description="Fetch bundles now", permissions=["change"])
    def refresh_bundles(self, request, queryset):
        refresh_each(self, request, queryset, services.refresh, self.audit_name, ("spiffe_sequence", "refreshed_at"),
                     (bundles.BundleError,))
