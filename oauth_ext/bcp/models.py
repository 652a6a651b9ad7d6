"""Redeemed authorization codes, remembered so a replay can revoke what the first
redemption issued (RFC 6749 §4.1.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class CodeRedemption(models.Model):
    # SHA-256 of the code: the code itself is a credential and is never stored here.
    code_checksum = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+")
    access_token_checksum = models.CharField(max_length=64)
    token_family = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("redeemed authorization code")
