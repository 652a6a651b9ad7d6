"""Pushed authorization requests, kept until used or expired."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class PushedRequest(models.Model):
    # SHA-256 of the request_uri's random part: the reference itself is never stored.
    reference_hash = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+")
    parameters = models.JSONField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pushed authorization request")
        indexes = [models.Index(fields=["expires_at"], name="oauth_ext_par_expires")]
