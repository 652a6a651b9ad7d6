"""The lifecycle of client instances: use, revocation and pruning."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
)

from ..audit import services as audit
from ..clients import cache as client_cache
from ..conf import app_settings
from ..core.errors import InvalidClient
from ..stateless_tokens import services as stateless_services
from . import stateless
from .models import ClientInstance

logger = logging.getLogger(__name__)

#: Sent after commit when an instance is revoked: ``instance``, ``by`` (a user or None).
instance_revoked = Signal()


def instance_of(application: Any) -> ClientInstance | None:
    try:
        return application.oauth_ext_instance
    except ClientInstance.DoesNotExist:
        return None


def ensure_active(application: Any) -> None:
    """Refuse a revoked instance, and note its use.

    The use is written at most once per ``TOUCH_INTERVAL``, as one UPDATE that finds
    no row once the instance is revoked or pruned, so a prune running at the same
    moment and a token request take turns on the instance row.
    """
    instance = instance_of(application)
    if instance is None:
        return
    if instance.revoked_at is not None:
        raise InvalidClient(reason=f"instance {application.client_id!r} is revoked")
    if instance.stateless:
        stateless.decode(application.client_id)  # its maximum age holds for a used one too
    now = timezone.now()
    interval = datetime.timedelta(seconds=app_settings.CLIENT_INSTANCES.TOUCH_INTERVAL)
    if instance.last_used_at is None or instance.last_used_at < now - interval:
        if not ClientInstance.objects.filter(pk=instance.pk, revoked_at__isnull=True).update(last_used_at=now):
            raise InvalidClient(reason=f"instance {application.client_id!r} is revoked or gone")
        instance.last_used_at = now
        client_cache.forget(application.client_id)  # the cached copy still has the old time


def bind_user(application: Any, user: Any) -> None:
    """The first user to authorize an instance is the one whose device it is."""
    instance = instance_of(application)
    if instance is None or instance.user_id is not None or user is None or not getattr(user, "pk", None):
        return
    if ClientInstance.objects.filter(pk=instance.pk, user__isnull=True).update(user=user):
        client_cache.forget(application.client_id)


def delete_tokens(application: Any) -> None:
    # Deleting access tokens marks their status-list entries INVALID (pre_delete).
    get_access_token_model().objects.filter(application=application).delete()
    stateless_services.revoke_all([application.pk])
    get_refresh_token_model().objects.filter(application=application).delete()
    get_grant_model().objects.filter(application=application).delete()


@transaction.atomic
def revoke_instance(instance: ClientInstance, *, by: Any = None) -> ClientInstance:
    """Stop one installation: its tokens die now and its client_id no longer
    authenticates; the user's other instances are untouched."""
    instance = ClientInstance.objects.select_for_update().select_related("application").get(pk=instance.pk)
    if instance.revoked_at is None:
        instance.revoked_at = timezone.now()
        instance.save(update_fields=["revoked_at"])
        delete_tokens(instance.application)
        transaction.on_commit(lambda: instance_revoked.send(sender=ClientInstance, instance=instance, by=by))
        logger.info("instance %s revoked by %s", instance.application.client_id, by)
    return instance


def revoke_audited(actor: Any, instance: ClientInstance) -> bool:
    """Revoke and write the audit entry (``actor``: the staff member, or the user
    revoking their own device) in one transaction; False when it was already
    revoked (nothing changes, nothing is logged)."""
    with transaction.atomic():
        counted = ClientInstance.objects.with_token_counts().select_for_update(of=("self",)).get(pk=instance.pk)
        if counted.revoked_at is not None:
            return False
        before = {"revoked_at": None, "access_tokens": counted.live_access_tokens, "refresh_tokens": counted.live_refresh_tokens}
        revoked = revoke_instance(counted, by=actor)
        audit.record(actor, "client_instance.revoke", revoked, before,
                     {"revoked_at": revoked.revoked_at, "access_tokens": 0, "refresh_tokens": 0})
        return True


def _revocation_still_needed(instance: ClientInstance, now: datetime.datetime) -> bool:
    """A revoked stateless instance's row is its revocation: without it the client_id
    would materialize afresh, so it stays while the client_id could still verify."""
    if instance.revoked_at is None or not instance.stateless:
        return False
    try:
        _, issued_at, _ = stateless.decode(instance.application.client_id)
    except InvalidClient:
        return False  # too old (or foreign): it can never authenticate again
    return stateless.verifies_until(issued_at) > now.timestamp()


def prune(*, now: datetime.datetime | None = None) -> int:
    """Remove instances never used since registration, or unused for too long, with
    their tokens; never a revocation still needed. Idempotent; rows a token request
    holds are skipped this time."""
    conf = app_settings.CLIENT_INSTANCES
    now = now or timezone.now()
    stale = Q(last_used_at__isnull=True, created_at__lt=now - datetime.timedelta(seconds=conf.NEVER_USED_AFTER)) | Q(
        last_used_at__lt=now - datetime.timedelta(seconds=conf.UNUSED_AFTER)
    )
    removed = 0
    with transaction.atomic():
        for instance in ClientInstance.objects.select_for_update(skip_locked=True).filter(stale).select_related("application"):
            if _revocation_still_needed(instance, now):
                continue
            application = instance.application
            delete_tokens(application)
            application.delete()
            removed += 1
    return removed
