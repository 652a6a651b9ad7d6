"""The side record of a stateless access token: what revocation by client, by
instance or by consent needs to find its status-list entry, and nothing else.

No foreign-key constraints: the row is written in the same statement as its entry
(one round trip) and is pruned once the token has expired; the entry, never deleted,
is its primary key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ..status_list.models import StatusEntry


class StatelessToken(models.Model):
    entry = models.OneToOneField(StatusEntry, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    application = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.DO_NOTHING,
                                    db_constraint=False, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    expires = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("stateless access token")
        indexes = [
            models.Index(fields=["application", "expires"], name="oauth_ext_stateless_app"),
            models.Index(fields=["user", "application"], name="oauth_ext_stateless_user"),
            models.Index(fields=["expires"], name="oauth_ext_stateless_expires"),
        ]
