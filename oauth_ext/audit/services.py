"""Recording admin actions. Every admin action on devices, trust and consent calls
:func:`record` in the same transaction as the change it describes, so an action
that rolls back leaves no entry and an entry never describes a change that did not
happen."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEntry


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON form of ``fields`` of ``obj`` (dates as ISO strings, keys as ids)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is not a concrete field of {type(obj).__name__}")
        values[name] = getattr(obj, field.attname)
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs, on both sides."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys if k in before}, {k: after.get(k) for k in keys if k in after}


def record(actor: Any, action: str, target: models.Model | None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> AuditEntry:
    """Write one entry: ``actor`` (a user, or None for the system) did ``action``
    (a dotted name such as ``client_instance.revoke``) on ``target``."""
    authenticated = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_repr=actor.get_username() if authenticated else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        before=json.loads(json.dumps(before, cls=DjangoJSONEncoder)) if before is not None else None,
        after=json.loads(json.dumps(after, cls=DjangoJSONEncoder)) if after is not None else None,
    )
