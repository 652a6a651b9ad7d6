"""Key bindings DOT's rows cannot hold: the ``dpop_jkt`` of an authorization code
(RFC 9449 §10) and the DPoP key of a public client's refresh token (§5).

Access tokens need no table: their binding is the ``cnf.jkt`` claim of the JWT.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class GrantBinding(models.Model):
    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL, on_delete=models.CASCADE, related_name="oauth_ext_dpop", verbose_name=_("grant")
    )
    jkt = models.CharField(_("JWK thumbprint"), max_length=128)

    class Meta:
        verbose_name = _("DPoP binding of an authorization code")


class RefreshTokenBinding(models.Model):
    refresh_token = models.OneToOneField(
        oauth2_settings.REFRESH_TOKEN_MODEL,
        on_delete=models.CASCADE,
        related_name="oauth_ext_dpop",
        verbose_name=_("refresh token"),
    )
    jkt = models.CharField(_("JWK thumbprint"), max_length=128)

    class Meta:
        verbose_name = _("DPoP binding of a refresh token")
