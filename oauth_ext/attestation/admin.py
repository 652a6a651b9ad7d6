"""Attesters in the admin: keys, their fingerprints, and whom each may attest; every
change audited."""

from django.contrib import admin

from ..audit.admin import KeyedPartyAdminMixin, disable_action
from .models import Attester


@admin.register(Attester)
class AttesterAdmin(KeyedPartyAdminMixin, admin.ModelAdmin):
    audit_name = "attester"
    audit_fields = Attester.store_fields
    list_display = ("name", "enabled", "fingerprints", "policy", "keys_refreshed_at")
    search_fields = ("name",)
    # The form in the model's own order (the key fields come from core.trust.KeyedParty).
    fields = (*Attester.store_fields, *KeyedPartyAdminMixin.readonly_fields)
    disable = disable_action("Disable (its attestations stop working at once)")

    @admin.display(description="may attest")
    def policy(self, obj):
        clients = f"clients {', '.join(obj.client_ids)}" if obj.client_ids else ""
        software = f"software {', '.join(obj.software_ids)}" if obj.software_ids else ""
        return "; ".join(part for part in (clients, software) if part) or "nobody"
