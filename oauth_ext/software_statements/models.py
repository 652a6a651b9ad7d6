"""Software publishers: whose statements this server accepts, and on what terms."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..core.trust import KeyedParty

REDIRECT_URI_FORMS = ("https", "loopback", "private_use")  # RFC 8252 §7.1–7.3 and web clients


def default_grant_types() -> list[str]:
    return ["authorization_code", "refresh_token"]


def default_redirect_forms() -> list[str]:
    return list(REDIRECT_URI_FORMS)


def default_auth_methods() -> list[str]:
    return ["private_key_jwt"]


LIST_FIELDS = ("software_ids", "allowed_grant_types", "scope_ceiling", "redirect_uri_forms", "allowed_auth_methods")


class SoftwarePublisher(KeyedParty):
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("statement issuer"), max_length=500, unique=True, help_text=_("The iss of its software statements."))
    software_ids = models.JSONField(
        _("software IDs"), default=list, blank=True, help_text=_("software_id values it may vouch for; empty means any.")
    )
    allowed_grant_types = models.JSONField(_("allowed grant types"), default=default_grant_types)
    scope_ceiling = models.JSONField(_("scope ceiling"), default=list, blank=True, help_text=_("Scopes its software may get."))
    redirect_uri_forms = models.JSONField(_("redirect URI forms"), default=default_redirect_forms)
    allowed_auth_methods = models.JSONField(_("allowed token_endpoint_auth_methods"), default=default_auth_methods)
    require_instance_key = models.BooleanField(_("instances must present a key"), default=True)
    allow_stateless = models.BooleanField(_("stateless instances allowed"), default=False)

    store_key = "issuer"
    store_fields = ("name", "issuer", "jwks", "jwks_uri", *LIST_FIELDS, "require_instance_key", "allow_stateless", "enabled")
    store_noun = "publisher"

    class Meta:
        verbose_name = _("software publisher")

    def __str__(self) -> str:
        return self.name

    def clean_policy(self, errors: dict[str, str | Promise]) -> None:
        if not set(self.redirect_uri_forms) <= set(REDIRECT_URI_FORMS):
            errors["redirect_uri_forms"] = _("Forms are https, loopback and private_use.")
        self.check_string_lists(LIST_FIELDS, errors)
