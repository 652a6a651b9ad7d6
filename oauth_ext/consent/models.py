"""Consent grants and the token families they back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class ConsentQuerySet(models.QuerySet):
    def active(self, now=None) -> ConsentQuerySet:
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)

    def for_user(self, user) -> ConsentQuerySet:
        return self.filter(user=user)


class ConsentGrant(models.Model):
    """What one user granted one piece of software: every instance of the same
    software (same publisher and software_id) shares it; a client without a
    verified software_id has its own."""

    class Ended(models.TextChoices):
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_ext_consents")
    # "software:<publisher id>:<software_id>" or "client:<client_id>".
    software_key = models.CharField(_("software"), max_length=300)
    client_name = models.CharField(_("client name"), max_length=255, blank=True)
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("first application"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    resources = models.JSONField(_("resources"), default=list, blank=True)
    authorization_details = models.JSONField(_("authorization details"), default=list, blank=True)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    ended = models.CharField(_("ended by"), max_length=20, choices=Ended.choices, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent grant")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "software_key"], condition=Q(revoked_at__isnull=True), name="oauth_ext_one_open_consent",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="oauth_ext_consent_expiry")]

    def __str__(self) -> str:
        return f"{self.user} → {self.client_name or self.software_key}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ConsentCode(models.Model):
    """The consent behind an authorization code, and the details it was issued for."""

    grant = models.OneToOneField(oauth2_settings.GRANT_MODEL, on_delete=models.CASCADE, related_name="oauth_ext_consent")
    consent = models.ForeignKey(ConsentGrant, null=True, on_delete=models.CASCADE, related_name="+")
    authorization_details = models.JSONField(default=list, blank=True)


class ConsentFamily(models.Model):
    """A refresh-token family backed by a consent: what it may be refreshed for,
    whatever narrower token a single refresh obtained."""

    token_family = models.UUIDField(unique=True)
    consent = models.ForeignKey(ConsentGrant, on_delete=models.CASCADE, related_name="families")
    scopes = models.JSONField(default=list)
    resources = models.JSONField(default=list, blank=True)
    authorization_details = models.JSONField(default=list, blank=True)
    # The first access token's ccr: fixed for every token of the authorization (the
    # tokens themselves may be stored only as hashes).
    ccr = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refresh-token family of a consent")
