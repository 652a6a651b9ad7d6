"""What happened at the authorization endpoint that the token endpoint must know."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class GrantContext(models.Model):
    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL, on_delete=models.CASCADE, related_name="oauth_ext_context", verbose_name=_("grant")
    )
    # Client extensions used to obtain the code: "par", "rar", ...
    extensions = models.JSONField(default=list)

    class Meta:
        verbose_name = _("context of an authorization code")
