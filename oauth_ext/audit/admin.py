"""The audit log in the admin (read-only), and the mixin that makes a model admin
record its saves and deletions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.db import models, transaction
from django.utils.html import format_html

from ..core import trust
from ..core.jwks import KeysUnavailable
from . import services
from .models import AuditEntry

if TYPE_CHECKING:  # the mixins below are only ever mixed into a ModelAdmin
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class AuditedAdminMixin(_AdminBase):
    """Records every add, change and delete made through this model admin.

    ``audit_fields`` names the fields whose before → after the entry keeps;
    ``audit_name`` prefixes the actions (``<audit_name>.change``).
    """

    audit_fields: tuple[str, ...] = ()
    audit_name: str = ""

    def _audit_snapshot(self, obj):
        return services.snapshot(obj, self.audit_fields)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = self._audit_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            after = self._audit_snapshot(obj)
            if change:
                before, after = services.changed(before, after)
                if not after and not before:
                    return
            services.record(request.user, f"{self.audit_name}.{'change' if change else 'add'}", obj, before, after)

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.record(request.user, f"{self.audit_name}.delete", obj, self._audit_snapshot(obj), None)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.record(request.user, f"{self.audit_name}.delete", obj, self._audit_snapshot(obj), None)
            super().delete_queryset(request, queryset)


def set_enabled(modeladmin, request, queryset, enabled: bool) -> None:
    """Enable or disable the rows that differ, one entry each (trust: publishers,
    attesters, SPIFFE trust domains), and say which changed and which already were."""
    word = "enabled" if enabled else "disabled"
    meta = modeladmin.model._meta
    with transaction.atomic():
        rows = list(queryset.select_for_update())
        changed = [obj for obj in rows if obj.enabled != enabled]
        for obj in changed:
            obj.enabled = enabled
            obj.save(update_fields=["enabled", "updated_at"])
            services.record(request.user, f"{modeladmin.audit_name}.{'enable' if enabled else 'disable'}", obj,
                            {"enabled": not enabled}, {"enabled": enabled})
    if changed:
        noun = meta.verbose_name if len(changed) == 1 else meta.verbose_name_plural
        modeladmin.message_user(request, f"{len(changed)} {noun} {word}: {_names(changed)}.", messages.SUCCESS)
    unchanged = [obj for obj in rows if obj not in changed]
    if unchanged:
        modeladmin.message_user(request, f"Already {word}, nothing changed: {_names(unchanged)}.", messages.INFO)


def _names(objs) -> str:
    return ", ".join(sorted(str(obj) for obj in objs))


def refresh_each(modeladmin, request, queryset, refresh, audit_name: str, fields: tuple[str, ...], errors: tuple) -> None:
    """``refresh(obj)`` (a key or bundle fetch) for each row, audited with ``fields``
    before → after; says what was fetched, what had nothing to fetch (keys given
    inline) and what failed (no entry)."""
    fetched, inline = [], []
    for obj in queryset:
        before = services.snapshot(obj, fields)
        try:
            with transaction.atomic():
                refresh(obj)
                after = services.snapshot(obj, fields)
                if after == before:
                    inline.append(obj)
                    continue
                services.record(request.user, f"{audit_name}.refresh_keys", obj, before, after)
                fetched.append(obj)
        except errors as exc:
            modeladmin.message_user(request, f"{obj}: fetch failed: {exc}", messages.ERROR)
    if fetched:
        modeladmin.message_user(request, f"Fetched keys of {len(fetched)}: {_names(fetched)}.", messages.SUCCESS)
    if inline:
        modeladmin.message_user(request, f"Nothing to fetch for {_names(inline)}: keys given inline, not at a URL.",
                                messages.INFO)


def disable_action(description: str):
    """The audited "Disable" action of a trust store; ``description`` says what
    stops working, which differs from store to store."""

    @admin.action(description=description, permissions=["change"])
    def disable(modeladmin, request, queryset):
        set_enabled(modeladmin, request, queryset, False)

    return disable


class TrustStoreAdminMixin(AuditedAdminMixin):
    """What every trust store's admin does alike: filter on and enable audited, and
    URLs typed without a scheme taken as https (a key or bundle endpoint is never http)."""

    list_filter: ClassVar[tuple[str, ...]] = ("enabled",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Enable", permissions=["change"])
    def enable(self, request, queryset):
        set_enabled(self, request, queryset, True)


class KeyedPartyAdminMixin(TrustStoreAdminMixin):
    """The admin of a ``core.trust.KeyedParty``: its key fingerprints, and "Fetch
    keys now" through the one refresh service, audited."""

    readonly_fields = ("fingerprints", "keys_refreshed_at", "created_at", "updated_at")
    actions = ["enable", "disable", "refresh_keys"]

    @admin.display(description="key fingerprints (RFC 7638)")
    def fingerprints(self, obj):
        if obj.jwks_uri and not obj.jwks:
            return f"fetched from {obj.jwks_uri}"
        return ", ".join(obj.key_fingerprints()) or "—"

    @admin.action(description="Fetch keys now", permissions=["change"])
    def refresh_keys(self, request, queryset):
        refresh_each(self, request, queryset, trust.refresh_keys, self.audit_name, ("keys_refreshed_at",), (KeysUnavailable,))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_repr", "action", "target_repr", "summary")
    list_filter = ("action", ("target_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("actor_repr", "action", "target_repr", "target_id")
    date_hierarchy = "created_at"
    fields = ("created_at", "actor_repr", "action", "target_type", "target_id", "target_repr", "before_json", "after_json")
    readonly_fields = fields

    @admin.display(description="before → after")
    def summary(self, obj):
        before, after = obj.before or {}, obj.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        parts = [f"{k}: {before.get(k, '—')} → {after.get(k, '—')}" for k in keys]
        return "; ".join(parts)[:300] or "—"

    @admin.display(description="before")
    def before_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.before, indent=2, sort_keys=True))

    @admin.display(description="after")
    def after_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.after, indent=2, sort_keys=True))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
