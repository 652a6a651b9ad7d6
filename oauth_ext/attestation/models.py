"""Attesters this server trusts, and refresh tokens bound to an attested instance key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ..core import jose


class AttesterQuerySet(models.QuerySet):
    def enabled(self) -> AttesterQuerySet:
        return self.filter(enabled=True)


class Attester(models.Model):
    """A platform or backend whose signed attestations vouch for client instances.

    An attestation names no issuer (removed in -08): its signature is checked with
    the keys of the enabled attesters allowed to attest the client it names.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    jwks = models.JSONField(_("JWKS"), null=True, blank=True)
    jwks_uri = models.URLField(_("JWKS URI"), max_length=2000, blank=True)
    keys_refreshed_at = models.DateTimeField(_("keys last fetched"), null=True, blank=True)
    client_ids = models.JSONField(
        _("client IDs"), default=list, blank=True, help_text=_("Clients it may attest (with software IDs: either matches).")
    )
    software_ids = models.JSONField(
        _("software IDs"), default=list, blank=True, help_text=_("Software of registered instances it may attest.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttesterQuerySet.as_manager()

    class Meta:
        verbose_name = _("client attester")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if bool(self.jwks) == bool(self.jwks_uri):
            errors["jwks"] = _("Give exactly one of jwks and jwks_uri.")
        if self.jwks:
            try:
                jose.validate_public_jwks(self.jwks)
            except jose.JOSEError as exc:
                errors["jwks"] = str(exc)
        for field in ("client_ids", "software_ids"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors[field] = _("A list of strings.")
        if not errors and not (self.client_ids or self.software_ids):
            errors["client_ids"] = _("Name the clients or the software it may attest.")
        if errors:
            raise ValidationError(errors)

    def may_attest(self, client_id: str, software_id: str | None) -> bool:
        return client_id in self.client_ids or bool(software_id and software_id in self.software_ids)

    def key_fingerprints(self) -> list[str]:
        return [jose.jwk_thumbprint(key) for key in (self.jwks or {}).get("keys", [])]


class AttestationBinding(models.Model):
    """-11 §10.3: a refresh token issued on an attestation works only with an
    attestation of the same client instance key."""

    refresh_token = models.OneToOneField(
        oauth2_settings.REFRESH_TOKEN_MODEL,
        on_delete=models.CASCADE,
        related_name="oauth_ext_attestation",
        verbose_name=_("refresh token"),
    )
    jkt = models.CharField(_("instance key thumbprint"), max_length=128)

    class Meta:
        verbose_name = _("attested instance binding of a refresh token")
