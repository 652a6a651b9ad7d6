"""Introspection of refresh tokens (RFC 7662 §2.2, draft-ietf-oauth-refresh-token-expiration-03 §7).

DOT's endpoint knows only access tokens. A refresh token the token endpoint would
still accept is ``active``, with the same ``refresh_token_timeout`` and
``authorization_expires_in`` as a token response; reading them never counts as a
use, so the idle timeout does not start again (§7: "MUST NOT reset").
"""

from __future__ import annotations

import calendar
import hashlib
from typing import Any

from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model, refresh_token_expire_timedelta

from . import services
from .models import ConsentFamily


def refresh_token_answer(token_value: str) -> dict[str, Any] | None:
    """The introspection answer for a live refresh token, or None for anything else."""
    checksum = hashlib.sha256(token_value.encode("utf-8")).hexdigest()
    rt = (get_refresh_token_model().objects.select_related("application", "user", "access_token")
          .filter(token_checksum=checksum, revoked__isnull=True).first())
    if rt is None or rt.access_token is None:  # an orphan is refused at the token endpoint too
        return None
    now = timezone.now()
    deadlines = []
    if expire_delta := refresh_token_expire_timedelta():
        deadlines.append(rt.access_token.expires + expire_delta)
    family = ConsentFamily.objects.select_related("consent").filter(token_family=rt.token_family).first()
    signals: dict[str, int] = {}
    if family is not None:
        if not family.consent.is_active:
            return None
        if deadline := services.refresh_deadline(family.consent, rt.updated):
            deadlines.append(deadline)
        signals = services.expiry_signals(family.consent, rt.updated, now=now)
    if deadlines and min(deadlines) <= now:
        return None
    answer: dict[str, Any] = {"active": True, "client_id": rt.application.client_id,
                              "scope": " ".join(family.scopes) if family is not None else rt.access_token.scope}
    if rt.user is not None:
        answer["username"] = rt.user.get_username()
    if deadlines:
        answer["exp"] = calendar.timegm(min(deadlines).utctimetuple())
    return {**answer, **signals}
