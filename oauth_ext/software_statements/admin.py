"""The trust store in the admin: publishers, their key fingerprints and policy, and a
page where IT pastes a software statement to see whether it would be accepted."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..audit.admin import KeyedPartyAdminMixin, disable_action
from ..client_instances.models import ClientInstance
from . import services
from .forms import SoftwarePublisherForm
from .models import SoftwarePublisher


class StatementForm(forms.Form):
    statement = forms.CharField(label="Software statement (a JWT)", widget=forms.Textarea(attrs={"rows": 8}),
                                max_length=services.MAX_STATEMENT_BYTES)


@admin.register(SoftwarePublisher)
class SoftwarePublisherAdmin(KeyedPartyAdminMixin, admin.ModelAdmin):
    audit_name = "software_publisher"
    form = SoftwarePublisherForm
    audit_fields = SoftwarePublisher.store_fields
    list_display = ("name", "issuer", "enabled", "fingerprints", "policy", "keys_refreshed_at", "updated_at")
    list_filter = ("enabled", "allow_stateless")
    search_fields = ("name", "issuer")
    fieldsets = (
        (None, {"fields": ("name", "issuer", "enabled")}),
        ("Keys", {"fields": ("jwks", "jwks_uri", "fingerprints", "keys_refreshed_at")}),
        ("Policy", {"fields": ("software_ids", "allowed_grant_types", "scope_ceiling", "redirect_uri_forms",
                               "allowed_auth_methods", "require_instance_key", "allow_stateless")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    disable = disable_action("Disable (stops new registrations at once)")

    @admin.display(description="policy")
    def policy(self, obj):
        software = ", ".join(obj.software_ids) or "any software"
        return (f"{software}; grants {', '.join(obj.allowed_grant_types)}; scopes {' '.join(obj.scope_ceiling) or '—'}; "
                f"{'stateless' if obj.allow_stateless else 'stateful'}")

    def get_deleted_objects(self, objs, request):
        """A publisher whose software is registered cannot go (the devices keep its
        trust decision): say so, instead of Django's "no permission to delete client
        instances" (they are never deleted, only revoked)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        devices = ClientInstance.objects.filter(publisher__in=list(objs))
        if devices.exists():
            perms_needed = set()
            protected = [f"{devices.count()} registered device(s), {devices.active().count()} still active: revoke its "
                         "devices first (Client instances); to stop new registrations now, disable the publisher instead"]
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        return [
            path("test-statement/", self.admin_site.admin_view(self.test_statement_view),
                 name="oauth_ext_softwarepublisher_test_statement"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "test_statement_url": reverse("admin:oauth_ext_softwarepublisher_test_statement")}
        return super().changelist_view(request, extra_context)

    def test_statement_view(self, request):
        """Nothing is registered or stored: the statement is only verified."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = StatementForm(request.POST or None)
        result = services.check_statement(form.cleaned_data["statement"].strip()) if request.method == "POST" and form.is_valid() else None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Test a software statement",
                   "form": form, "result": result}
        return TemplateResponse(request, "admin/oauth_ext/softwarepublisher/test_statement.html", context)
