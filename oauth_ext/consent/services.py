"""Consent grants: finding the one that covers a request, recording, withdrawing
and expiring them, and the expiry signals of the token response
(draft-ietf-oauth-refresh-token-expiration-03 §3)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from ..audit import services as audit
from ..client_instances.models import ClientInstance
from ..conf import app_settings
from ..rar import services as rar
from ..stateless_tokens import services as stateless_services
from .models import ConsentGrant

logger = logging.getLogger(__name__)

#: Sent after commit: ``consent``, ``by`` (a user or None).
consent_granted = Signal()
consent_withdrawn = Signal()
#: Sent after commit by :func:`expire`: ``consents`` (a list).
consents_expired = Signal()


@dataclass
class Requested:
    scopes: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    authorization_details: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.scopes or self.resources or self.authorization_details)


def software_key(application: Any) -> str:
    """Instances of the same software share a consent only when their software_id
    was vouched for by a trusted publisher's statement; others stand alone."""
    instance = getattr(application, "oauth_ext_instance", None) if application is not None else None
    try:
        if instance is not None and instance.publisher_id and instance.software_id:
            return f"software:{instance.publisher_id}:{instance.software_id}"
    except ClientInstance.DoesNotExist:
        pass
    return f"client:{application.client_id}"


def applications_of(key: str) -> Any:
    """The ids of the applications whose tokens a consent under ``key`` backs."""
    from oauth2_provider.models import get_application_model

    kind, _, rest = key.partition(":")
    if kind == "software":
        publisher_id, _, software_id = rest.partition(":")
        return ClientInstance.objects.filter(publisher_id=int(publisher_id), software_id=software_id).values("application_id")
    return get_application_model().objects.filter(client_id=rest).values("pk")


def active_grant(user: Any, application: Any) -> ConsentGrant | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return ConsentGrant.objects.active().filter(user=user, software_key=software_key(application)).first()


def missing(grant: ConsentGrant | None, requested: Requested) -> Requested:
    """What ``requested`` asks for beyond ``grant``."""
    if grant is None:
        return requested
    return Requested(
        scopes=[s for s in requested.scopes if s not in grant.scopes],
        resources=[r for r in requested.resources if r not in grant.resources],
        authorization_details=rar.missing(requested.authorization_details, grant.authorization_details),
    )


def _expiry(now: datetime.datetime) -> datetime.datetime | None:
    lifetime = app_settings.CONSENT.LIFETIME
    return now + datetime.timedelta(seconds=lifetime) if lifetime else None


@transaction.atomic
def record(user: Any, application: Any, requested: Requested) -> ConsentGrant:
    """The user allowed ``requested`` now: the open grant grows by it and runs
    for a new lifetime from now; a lapsed one is closed and a new one opened."""
    now = timezone.now()
    key = software_key(application)
    grant = ConsentGrant.objects.select_for_update().filter(user=user, software_key=key, revoked_at__isnull=True).first()
    if grant is not None and not grant.is_active:
        _end([grant], ConsentGrant.Ended.EXPIRED, now)
        grant = None
    if grant is None:
        grant = ConsentGrant(user=user, software_key=key, application=application)
    instance = getattr(application, "oauth_ext_instance", None)
    grant.client_name = getattr(instance, "client_name", "") or application.name or application.client_id
    grant.scopes = list(dict.fromkeys([*grant.scopes, *requested.scopes]))
    grant.resources = list(dict.fromkeys([*grant.resources, *requested.resources]))
    grant.authorization_details = rar.merge(grant.authorization_details, requested.authorization_details)
    grant.granted_at = now
    grant.expires_at = _expiry(now)
    grant.save()
    transaction.on_commit(lambda: consent_granted.send(sender=ConsentGrant, consent=grant, by=user))
    return grant


def _delete_tokens(grants: list[ConsentGrant]) -> None:
    for grant in grants:
        apps = applications_of(grant.software_key)
        # Deleting access tokens marks their status-list entries INVALID (pre_delete).
        get_access_token_model().objects.filter(user_id=grant.user_id, application_id__in=apps).delete()
        stateless_services.revoke_all(apps, user_id=grant.user_id)
        get_refresh_token_model().objects.filter(user_id=grant.user_id, application_id__in=apps).delete()
        get_grant_model().objects.filter(user_id=grant.user_id, application_id__in=apps).delete()


def _end(grants: list[ConsentGrant], how: str, now: datetime.datetime) -> None:
    ConsentGrant.objects.filter(pk__in=[g.pk for g in grants]).update(revoked_at=now, ended=how)
    for grant in grants:
        grant.revoked_at, grant.ended = now, how
    _delete_tokens(grants)


@transaction.atomic
def withdraw(grant: ConsentGrant, *, by: Any = None) -> ConsentGrant:
    """End a consent now: every token it backs, on every instance, dies with it."""
    grant = ConsentGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is None:
        _end([grant], ConsentGrant.Ended.WITHDRAWN, timezone.now())
        transaction.on_commit(lambda: consent_withdrawn.send(sender=ConsentGrant, consent=grant, by=by))
        logger.info("consent %s withdrawn by %s", grant.pk, by)
    return grant


AUDIT_FIELDS = ("revoked_at", "ended")


def withdraw_audited(actor: Any, grant: ConsentGrant) -> bool:
    """Withdraw and write the audit entry (``actor``: staff, or the user who gave
    the consent) in one transaction; False when it had ended already."""
    with transaction.atomic():
        grant = ConsentGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            return False
        before = audit.snapshot(grant, AUDIT_FIELDS)
        grant = withdraw(grant, by=actor)
        audit.record(actor, "consent.withdraw", grant, before, audit.snapshot(grant, AUDIT_FIELDS))
        return True


def expire(*, now: datetime.datetime | None = None) -> int:
    """Close the consents past their expiry and revoke what they back. Idempotent;
    rows another process holds are left for the next run."""
    now = now or timezone.now()
    with transaction.atomic():
        lapsed = list(
            ConsentGrant.objects.select_for_update(skip_locked=True).filter(revoked_at__isnull=True, expires_at__lte=now)
        )
        if lapsed:
            _end(lapsed, ConsentGrant.Ended.EXPIRED, now)
            transaction.on_commit(lambda: consents_expired.send(sender=ConsentGrant, consents=lapsed))
    return len(lapsed)


def refresh_deadline(consent: ConsentGrant, last_used: datetime.datetime) -> datetime.datetime | None:
    """When a refresh token last used at ``last_used`` stops working: its idle
    timeout, never later than the consent (§3: "SHALL NOT exceed")."""
    timeout = app_settings.CONSENT.REFRESH_TOKEN_TIMEOUT
    deadlines = [d for d in (consent.expires_at, last_used + datetime.timedelta(seconds=timeout) if timeout else None) if d]
    return min(deadlines) if deadlines else None


def expiry_signals(consent: ConsentGrant, last_used: datetime.datetime, *, now: datetime.datetime) -> dict[str, int]:
    """``refresh_token_timeout`` and ``authorization_expires_in`` in seconds from
    ``now``; each only when finite (§3), and the old names when configured."""
    signals: dict[str, int] = {}
    deadline = refresh_deadline(consent, last_used)
    if deadline is not None:
        signals["refresh_token_timeout"] = max(0, round((deadline - now).total_seconds()))
    if consent.expires_at is not None:
        signals["authorization_expires_in"] = max(0, round((consent.expires_at - now).total_seconds()))
    if app_settings.CONSENT.LEGACY_EXPIRY_NAMES:
        # draft-watson-oauth-refresh-token-expiration-00 names.
        if "refresh_token_timeout" in signals:
            signals["refresh_token_expires_in"] = signals["refresh_token_timeout"]
        if "authorization_expires_in" in signals:
            signals["consent_expires_in"] = signals["authorization_expires_in"]
    return signals
