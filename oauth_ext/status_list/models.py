"""Status lists and the status of each index handed out.

An entry is keyed by the access token's checksum, not a foreign key: DOT deletes
access tokens when it revokes them, and the entry must outlive the row to say so.
"""

from __future__ import annotations

import os

from django.db import models
from django.utils.translation import gettext_lazy as _


def _permutation_key() -> bytes:
    return os.urandom(16)


class StatusList(models.Model):
    bits = models.PositiveSmallIntegerField(_("bits"))
    size = models.PositiveIntegerField(_("size"))
    # Allocation: positions 0..size-1 map to indices through a keyed permutation.
    permutation_key = models.BinaryField(default=_permutation_key, editable=False)
    next_position = models.PositiveIntegerField(default=0)
    # Change tracking: a rebuild records the change counter it saw.
    changes = models.PositiveBigIntegerField(default=0)
    built_changes = models.PositiveBigIntegerField(default=0)
    # The last complete Status List Token: replaced in one UPDATE, never partially.
    token = models.TextField(blank=True)
    etag = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status list")

    def __str__(self) -> str:
        return f"status list {self.pk} ({self.size} x {self.bits} bit)"

    @property
    def is_full(self) -> bool:
        return self.next_position >= self.size


class StatusEntry(models.Model):
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    idx = models.PositiveIntegerField(_("index"))
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    token_checksum = models.CharField(max_length=64, unique=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status list entry")
        verbose_name_plural = _("status list entries")
        constraints = [models.UniqueConstraint(fields=["status_list", "idx"], name="oauth_ext_status_entry_unique_idx")]
        indexes = [models.Index(fields=["status_list", "status"], name="oauth_ext_status_nonzero")]
