"""Software publishers: whose statements this server accepts, and on what terms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import jose

REDIRECT_URI_FORMS = ("https", "loopback", "private_use")  # RFC 8252 §7.1–7.3 and web clients


def default_grant_types() -> list[str]:
    return ["authorization_code", "refresh_token"]


def default_redirect_forms() -> list[str]:
    return list(REDIRECT_URI_FORMS)


def default_auth_methods() -> list[str]:
    return ["private_key_jwt"]


class PublisherQuerySet(models.QuerySet):
    def enabled(self) -> PublisherQuerySet:
        return self.filter(enabled=True)


class SoftwarePublisher(models.Model):
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("statement issuer"), max_length=500, unique=True, help_text=_("The iss of its software statements."))
    jwks = models.JSONField(_("JWKS"), null=True, blank=True)
    jwks_uri = models.URLField(_("JWKS URI"), max_length=2000, blank=True)
    keys_refreshed_at = models.DateTimeField(_("keys last fetched"), null=True, blank=True)
    software_ids = models.JSONField(
        _("software IDs"), default=list, blank=True, help_text=_("software_id values it may vouch for; empty means any.")
    )
    allowed_grant_types = models.JSONField(_("allowed grant types"), default=default_grant_types)
    scope_ceiling = models.JSONField(_("scope ceiling"), default=list, blank=True, help_text=_("Scopes its software may get."))
    redirect_uri_forms = models.JSONField(_("redirect URI forms"), default=default_redirect_forms)
    allowed_auth_methods = models.JSONField(_("allowed token_endpoint_auth_methods"), default=default_auth_methods)
    require_instance_key = models.BooleanField(_("instances must present a key"), default=True)
    allow_stateless = models.BooleanField(_("stateless instances allowed"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublisherQuerySet.as_manager()

    class Meta:
        verbose_name = _("software publisher")

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
        if not set(self.redirect_uri_forms) <= set(REDIRECT_URI_FORMS):
            errors["redirect_uri_forms"] = _("Forms are https, loopback and private_use.")
        for field in ("software_ids", "allowed_grant_types", "scope_ceiling", "redirect_uri_forms", "allowed_auth_methods"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[field] = _("A list of strings.")
        if errors:
            raise ValidationError(errors)

    def key_fingerprints(self) -> list[str]:
        return [jose.jwk_thumbprint(key) for key in (self.jwks or {}).get("keys", [])]
