"""Client metadata that DOT's Application lacks, in a one-to-one side table.

Sites keep DOT's (possibly swapped) Application model; a client without a profile
behaves exactly as DOT made it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ..client_auth import registry
from ..core import jose
from ..spiffe import ids


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
    spiffe_id = models.CharField(
        _("SPIFFE ID"), max_length=2048, blank=True, db_index=True,
        help_text=_("draft-ietf-oauth-spiffe-client-auth-02 §5.1: the workload's SPIFFE ID; a trailing /* matches a path prefix."),
    )
    spiffe_bundle_endpoint = models.URLField(
        _("SPIFFE bundle endpoint"), max_length=2000, blank=True,
        help_text=_("Recorded client metadata; keys come from the configured trust domain only."),
    )
    tls_client_auth_subject_dn = models.CharField(_("TLS client subject DN"), max_length=1000, blank=True,
                                                  help_text=_("RFC 8705 §2.1.2, RFC 4514 form."))
    tls_client_auth_san_dns = models.CharField(_("TLS client SAN dNSName"), max_length=255, blank=True)
    tls_client_auth_san_uri = models.CharField(_("TLS client SAN URI"), max_length=2000, blank=True)
    tls_client_auth_san_ip = models.GenericIPAddressField(_("TLS client SAN IP"), null=True, blank=True)
    tls_client_auth_san_email = models.CharField(_("TLS client SAN rfc822Name"), max_length=320, blank=True)
    tls_client_certificate_bound_access_tokens = models.BooleanField(
        _("certificate-bound access tokens"), default=False,
        help_text=_("RFC 8705 §3.4: token requests without a client certificate are refused."),
    )
    scope = models.JSONField(
        _("registered scopes"), default=list, blank=True,
        help_text=_("RFC 7591 §2 scope: the scopes the client may ask for, and gets when it asks for none. "
                    "Empty: DOT's SCOPES and DEFAULT_SCOPES."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client profile")

    def __str__(self) -> str:
        return f"{self.application.client_id} ({self.token_endpoint_auth_method})"

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
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
        self._clean_workload_methods(method, errors)
        if not isinstance(self.scope, list) or not all(isinstance(s, str) and s for s in self.scope):
            errors["scope"] = _("A list of scope names.")
        else:
            unknown = sorted(set(self.scope) - set(oauth2_settings._SCOPES))
            if unknown:
                errors["scope"] = _("Unknown scopes: %(s)s.") % {"s": " ".join(unknown)}
        alg = self.token_endpoint_auth_signing_alg
        if alg and (alg == "none" or alg not in jose.ASYMMETRIC_ALGORITHMS | jose.HMAC_ALGORITHMS):
            errors["token_endpoint_auth_signing_alg"] = _("Unsupported algorithm.")
        if errors:
            raise ValidationError(errors)

    TLS_CLIENT_AUTH_FIELDS = ("tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
                              "tls_client_auth_san_ip", "tls_client_auth_san_email")

    def _clean_workload_methods(self, method: str, errors: dict[str, str | Promise]) -> None:
        """SPIFFE and RFC 8705 methods need the metadata that names the client's identity."""

        if self.spiffe_id and not ids.valid_pattern(self.spiffe_id):
            errors["spiffe_id"] = _("Not a SPIFFE ID, or one ending in /*.")
        if method in ("spiffe_jwt", "spiffe_x509") and not self.spiffe_id:
            errors["spiffe_id"] = _("%(m)s needs spiffe_id.") % {"m": method}
        given = [f for f in self.TLS_CLIENT_AUTH_FIELDS if getattr(self, f)]
        if method == "tls_client_auth" and len(given) != 1:
            errors["tls_client_auth_subject_dn"] = _("tls_client_auth needs exactly one subject DN or SAN (RFC 8705 §2.1.2).")
        if method == "self_signed_tls_client_auth" and not (self.jwks or self.jwks_uri):
            errors["jwks"] = _("self_signed_tls_client_auth needs jwks or jwks_uri holding the certificate (x5c).")
