"""Attesters this server trusts, and refresh tokens bound to an attested instance key."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ..core.trust import KeyedParty


class Attester(KeyedParty):
    """A platform or backend whose signed attestations vouch for client instances.

    An attestation names no issuer (removed in -08): its signature is checked with
    the keys of the enabled attesters allowed to attest the client it names.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    client_ids = models.JSONField(
        _("client IDs"), default=list, blank=True, help_text=_("Clients it may attest (with software IDs: either matches).")
    )
    software_ids = models.JSONField(
        _("software IDs"), default=list, blank=True, help_text=_("Software of registered instances it may attest.")
    )

    store_key = "name"
    store_fields = ("name", "jwks", "jwks_uri", "client_ids", "software_ids", "enabled")
    store_noun = "attester"

    class Meta:
        verbose_name = _("client attester")

    def __str__(self) -> str:
        return self.name

    def clean_policy(self, errors: dict[str, str | Promise]) -> None:
        self.check_string_lists(("client_ids", "software_ids"), errors, nonempty=True)
        if not errors and not (self.client_ids or self.software_ids):
            errors["client_ids"] = _("Name the clients or the software it may attest.")

    def may_attest(self, client_id: str, software_id: str | None) -> bool:
        return client_id in self.client_ids or bool(software_id and software_id in self.software_ids)


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
