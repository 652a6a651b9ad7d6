"""One row per installation, next to the DOT Application that is its client_id."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class InstanceTemplate(models.Model):
    """The metadata shared by the stateless instances of one software variant.

    Written once per distinct (publisher, validated metadata); every later stateless
    registration of the same variant writes nothing.
    """

    publisher = models.ForeignKey("oauth_ext.SoftwarePublisher", on_delete=models.CASCADE, related_name="templates")
    digest = models.CharField(max_length=64, unique=True)
    metadata = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stateless instance template")


class InstanceQuerySet(models.QuerySet):
    def active(self) -> InstanceQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_user(self, user) -> InstanceQuerySet:
        return self.filter(user=user)

    def with_token_counts(self) -> InstanceQuerySet:
        """Annotate ``live_access_tokens`` (unexpired) and ``live_refresh_tokens``
        (not revoked): what revoking each instance would stop."""
        from oauth2_provider.models import get_access_token_model, get_refresh_token_model

        def count(queryset):
            counted = queryset.filter(application=models.OuterRef("application_id")).order_by().values("application")
            return Coalesce(models.Subquery(counted.annotate(n=models.Count("pk")).values("n")), 0)

        return self.annotate(
            live_access_tokens=count(get_access_token_model().objects.filter(expires__gt=timezone.now())),
            live_refresh_tokens=count(get_refresh_token_model().objects.filter(revoked__isnull=True)),
        )


class ClientInstance(models.Model):
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="oauth_ext_instance",
        verbose_name=_("application"),
    )
    publisher = models.ForeignKey(
        "oauth_ext.SoftwarePublisher", null=True, blank=True, on_delete=models.PROTECT, related_name="instances",
    )
    software_id = models.CharField(_("software ID"), max_length=255, blank=True)
    software_version = models.CharField(_("software version"), max_length=100, blank=True)
    client_name = models.CharField(_("client name"), max_length=255, blank=True)
    device_label = models.CharField(_("device"), max_length=255, blank=True)
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="oauth_ext_instances"
    )
    scope = models.JSONField(_("allowed scopes"), default=list, blank=True)
    software_statement = models.TextField(blank=True)
    registration_access_token_hash = models.CharField(max_length=64, blank=True)
    stateless = models.BooleanField(_("stateless"), default=False)
    # Pushed client registration: no lasting client_id; pruned once its tokens are gone.
    ephemeral = models.BooleanField(_("ephemeral"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InstanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("client instance")
        indexes = [models.Index(fields=["software_id", "software_version"], name="oauth_ext_instance_software")]

    def __str__(self) -> str:
        label = self.device_label or self.client_name or self.software_id
        return f"{label} ({self.application.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
