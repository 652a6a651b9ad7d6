"""Client metadata that DOT's Application lacks, in a one-to-one side table.

Sites keep DOT's (possibly swapped) Application model; a client without a profile
behaves exactly as DOT made it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ..core import jose


class ClientProfile(models.Model):
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="oauth_ext_profile",
        verbose_name=_("application"),
    )
    token_endpoint_auth_method = models.CharField(
        _("token endpoint auth method"),
        max_length=64,
        help_text=_("RFC 7591 token_endpoint_auth_method; requests using any other method are refused."),
    )
    token_endpoint_auth_signing_alg = models.CharField(
        _("token endpoint auth signing alg"),
        max_length=16,
        blank=True,
        help_text=_("If set, client assertions signed with any other algorithm are refused."),
    )
    jwks = models.JSONField(_("JWKS"), null=True, blank=True, help_text=_("The client's public keys, inline."))
    jwks_uri = models.URLField(_("JWKS URI"), max_length=2000, blank=True)
    require_pushed_authorization_requests = models.BooleanField(
        _("require pushed authorization requests"),
        default=False,
        help_text=_("RFC 9126 §6: authorization requests must come through PAR."),
    )
    dpop_bound_access_tokens = models.BooleanField(
        _("DPoP-bound access tokens"),
        default=False,
        help_text=_("RFC 9449 §5.2: token requests without a DPoP proof are refused."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client profile")

    def __str__(self) -> str:
        return f"{self.application.client_id} ({self.token_endpoint_auth_method})"

    def clean(self) -> None:
        from ..client_auth import registry

        errors: dict[str, str] = {}
        method = self.token_endpoint_auth_method
        if method not in registry.method_names():
            errors["token_endpoint_auth_method"] = _("Unsupported method %(m)s.") % {"m": method}
        if self.jwks and self.jwks_uri:
            errors["jwks_uri"] = _("Give jwks or jwks_uri, not both (RFC 7591 §2).")
        if self.jwks is not None:
            try:
                jose.validate_public_jwks(self.jwks)
            except jose.JOSEError as exc:
                errors["jwks"] = str(exc)
        if self.jwks_uri and not (self.jwks_uri.startswith("https://") or settings.DEBUG):
            errors["jwks_uri"] = _("jwks_uri must be an https URL.")
        if method == "private_key_jwt" and not (self.jwks or self.jwks_uri):
            errors["jwks"] = _("private_key_jwt needs jwks or jwks_uri.")
        if method == "client_secret_jwt" and self.application_id and self.application.hash_client_secret:
            errors["token_endpoint_auth_method"] = _(
                "client_secret_jwt needs the secret in clear: turn off hash_client_secret on the application."
            )
        alg = self.token_endpoint_auth_signing_alg
        if alg and (alg == "none" or alg not in jose.ASYMMETRIC_ALGORITHMS | jose.HMAC_ALGORITHMS):
            errors["token_endpoint_auth_signing_alg"] = _("Unsupported algorithm.")
        if errors:
            raise ValidationError(errors)
