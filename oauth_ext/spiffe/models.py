"""SPIFFE trust domains this server trusts, keyed by trust domain name (-02 §6)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..core.trust import TrustedParty
from . import ids


class SpiffeTrustDomain(TrustedParty):
    trust_domain = models.CharField(_("trust domain"), max_length=255, unique=True, help_text=_("e.g. example.org"))
    bundle_endpoint = models.URLField(
        _("bundle endpoint"), max_length=2000, blank=True,
        help_text=_("SPIFFE bundle endpoint (https_web profile), fetched by the refresh task."),
    )
    bundle = models.JSONField(
        _("bundle"), null=True, blank=True,
        help_text=_("The last fetched bundle (a JWKS with use x509-svid / jwt-svid), or a static one without an endpoint."),
    )
    spiffe_sequence = models.BigIntegerField(_("bundle sequence"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("bundle last fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("SPIFFE trust domain")

    def __str__(self) -> str:
        return self.trust_domain

    def clean(self) -> None:
        from . import bundles

        errors: dict[str, str | Promise] = {}
        if ids.trust_domain(f"spiffe://{self.trust_domain}") != self.trust_domain:
            errors["trust_domain"] = _("Not a trust domain name (lowercase letters, digits, '.', '-', '_').")
        if not self.bundle_endpoint and not self.bundle:
            errors["bundle_endpoint"] = _("Give a bundle endpoint, or a static bundle.")
        if self.bundle:
            try:
                bundles.parse(self.bundle)
            except bundles.BundleError as exc:
                errors["bundle"] = str(exc)
        if errors:
            raise ValidationError(errors)
