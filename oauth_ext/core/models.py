"""Models of the core: what the replay store needs to outlive its own memory."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReplayStoreStart(models.Model):
    """The moment a replay store (by cache alias) first remembered a claim.

    A store found without its epoch either never held a claim (a new deployment: it
    remembers everything from then on) or forgot (a restart or flush): only this row,
    kept in the database, tells the two apart (``core/replay.py``).
    """

    store = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("replay store start")
