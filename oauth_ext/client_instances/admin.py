"""Devices in the admin: a user's devices, revoking one (or a vulnerable release)
through a confirmation page that says what will stop working, every action
written to the audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..audit.admin import AuditedAdminMixin
from ..conf import app_settings
from .models import ClientInstance
from .services import revoke_audited

EDITABLE = ("device_label", "client_name", "platform", "user", "scope")


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "active"), ("revoked", "revoked")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def short_date(value) -> str:
    """The day, with the exact time on hover: the list stays narrow enough for a laptop."""
    local = timezone.localtime(value)
    return format_html('<span title="{}">{}</span>', local.isoformat(timespec="seconds"), date_format(local, "SHORT_DATE_FORMAT"))


def short_id(client_id: str) -> str:
    """Enough of a client_id to tell devices apart (stateless ones run to 100 characters)."""
    return client_id if len(client_id) <= 10 else f"{client_id[:8]}…"


@admin.register(ClientInstance)
class ClientInstanceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_name = "client_instance"
    audit_fields = EDITABLE
    # The revoke button right after the device, so it is never off screen on a laptop.
    list_display = ("device", "revoke_link", "owner", "software", "platform", "client_id", "used", "state")
    list_filter = (StateFilter, "software_id", "software_version", "stateless")
    list_select_related = ("application", "user")
    search_fields = ("application__client_id", "device_label", "client_name", "software_id", "user__username", "user__email")
    raw_id_fields = ("application", "user", "publisher")
    fields = ("application", "user", "device_label", "client_name", "platform", "publisher", "software_id", "software_version",
              "scope", "stateless", "ephemeral", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("application", "publisher", "software_id", "software_version", "stateless", "ephemeral", "created_at",
                       "last_used_at", "revoked_at")
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_token_counts()

    def has_add_permission(self, request):
        return False  # instances come from registration

    def has_delete_permission(self, request, obj=None):
        return False  # deleting the row would leave its client_id working: revoke instead

    def has_change_permission(self, request, obj=None):
        # A revoked device is a record of what happened: shown, never edited.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.revoked_at is not None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        instance = self.get_object(request, object_id)
        if instance is not None and instance.revoked_at is None and self.has_change_permission(request, instance):
            extra_context = {**(extra_context or {}),
                             "revoke_url": reverse("admin:oauth_ext_clientinstance_revoke", args=[instance.pk])}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if self.has_change_permission(request) else [f for f in shown if f != "revoke_link"]

    @admin.display(description="device", ordering="device_label")
    def device(self, obj):
        if obj.device_label:
            return obj.device_label
        # Unnamed devices of the same software stay apart by their client_id.
        return format_html('<span class="oauth-ext-unlabelled">(no label)</span> {} {}', obj.client_name or obj.software_id,
                           short_id(obj.application.client_id))

    @admin.display(description="used", ordering="last_used_at")
    def used(self, obj):
        """When it was added, then when it was last used."""
        last = short_date(obj.last_used_at) if obj.last_used_at else "never"
        return format_html('<span class="oauth-ext-dates">added {}<br>last {}</span>', short_date(obj.created_at), last)

    @admin.display(description="client_id", ordering="application__client_id")
    def client_id(self, obj):
        return format_html('<code title="{}">{}</code>', obj.application.client_id, short_id(obj.application.client_id))

    @admin.display(description="user", ordering="user__username")
    def owner(self, obj):
        if obj.user_id is None:
            return "—"
        url = reverse("admin:oauth_ext_clientinstance_changelist") + f"?user__id__exact={obj.user_id}"
        return format_html('<a href="{}" title="all devices of this user">{}</a>', url, obj.user.get_username())

    @admin.display(description="software", ordering="software_id")
    def software(self, obj):
        return " ".join(filter(None, [obj.client_name or obj.software_id, obj.software_version])) or "—"

    @admin.display(description="state", ordering="revoked_at")
    def state(self, obj):
        tokens = f"{obj.live_access_tokens} access, {obj.live_refresh_tokens} refresh"
        if obj.revoked_at:
            return format_html('<span class="oauth-ext-revoked" title="{}">revoked</span><br>{}',
                               obj.revoked_at.isoformat(timespec="seconds"), tokens)
        return format_html('<span class="oauth-ext-active">active</span><br>{}', tokens)

    @admin.display(description="")
    def revoke_link(self, obj):
        if obj.revoked_at:
            return ""
        url = reverse("admin:oauth_ext_clientinstance_revoke", args=[obj.pk])
        return format_html('<a class="button oauth-ext-revoke" href="{}">Revoke this device</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revoke/", view(self.revoke_view), name="oauth_ext_clientinstance_revoke"),
            path("revoke-release/", view(self.revoke_release_view), name="oauth_ext_clientinstance_revoke_release"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        user_id = request.GET.get("user__id__exact", "")
        user = get_user_model().objects.filter(pk=user_id).first() if user_id.isdigit() else None
        if user is not None:
            extra_context["title"] = f"Devices of {user.get_username()}"
        extra_context["revoke_release_url"] = reverse("admin:oauth_ext_clientinstance_revoke_release")
        extra_context["can_revoke"] = self.has_change_permission(request)
        return super().changelist_view(request, extra_context)

    # Revocation: one device, a selection, a release. All confirm first.

    def _confirm(self, request, instances, *, title, hidden=None, back):
        """The confirmation page; revokes on its POST with ``confirm``."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        instances = list(instances)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            done = sum(revoke_audited(request.user, instance) for instance in instances)
            self.message_user(request, f"{done} device(s) revoked; their tokens no longer work.", messages.SUCCESS)
            return HttpResponseRedirect(back)
        owners = {i.user_id for i in instances if i.user_id}
        others = (ClientInstance.objects.active().filter(user_id__in=owners).exclude(pk__in=[i.pk for i in instances])
                  .select_related("user", "application").order_by("user__username", "device_label"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "instances": instances,
            "active": [i for i in instances if i.revoked_at is None],
            "others": others,
            "hidden": hidden or {},
            "back": back,
            "status_list_ttl": app_settings.STATUS_LIST.TTL,
            "access_tokens": sum(i.live_access_tokens for i in instances if i.revoked_at is None),
            "refresh_tokens": sum(i.live_refresh_tokens for i in instances if i.revoked_at is None),
        }
        return TemplateResponse(request, "admin/oauth_ext/clientinstance/revoke_confirmation.html", context)

    def revoke_view(self, request, pk: int):
        instance = get_object_or_404(self.get_queryset(request).select_related("application", "user"), pk=pk)
        back = reverse("admin:oauth_ext_clientinstance_changelist")
        if instance.user_id:
            back += f"?user__id__exact={instance.user_id}"
        name = instance.device_label or f"{instance.client_name or instance.software_id} {short_id(instance.application.client_id)}"
        return self._confirm(request, [instance], title=f"Revoke {name}?", back=back)

    @admin.action(description="Revoke selected devices …", permissions=["change"])
    def revoke_selected(self, request, queryset):
        hidden = {"action": "revoke_selected", helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in queryset.values_list("pk", flat=True)]}
        return self._confirm(request, queryset.select_related("application", "user"), title="Revoke the selected devices?",
                             hidden=hidden, back=request.get_full_path())

    def revoke_release_view(self, request):
        """Every active device of one software version: a vulnerable release."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        software_id, version = request.GET.get("software_id"), request.GET.get("software_version")
        here = reverse("admin:oauth_ext_clientinstance_revoke_release")
        if software_id is not None and version is not None:
            instances = self.get_queryset(request).active().filter(software_id=software_id, software_version=version)
            return self._confirm(request, instances.select_related("application", "user"),
                                 title=f"Revoke every device running {software_id} {version}?", back=here)
        releases = (ClientInstance.objects.exclude(software_id="").values("software_id", "software_version")
                    .annotate(active=Count("pk", filter=Q(revoked_at__isnull=True)), revoked=Count("pk", filter=Q(revoked_at__isnull=False)))
                    .order_by("software_id", "-software_version"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Revoke a software release",
                   "releases": releases}
        return TemplateResponse(request, "admin/oauth_ext/clientinstance/revoke_release.html", context)
