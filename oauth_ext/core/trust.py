"""Parties IT trusts (software publishers, attesters, SPIFFE trust domains).

They share one shape: switched on and off by IT, dated, and for publishers and
attesters, keys given inline or at a ``jwks_uri``. One definition of that shape, of
the key refresh, and of the trust store as a JSON file keeps the rules (exactly one
of ``jwks`` and ``jwks_uri``, all-or-nothing import) the same for every store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import jose
from . import jwks as key_sets

logger = logging.getLogger(__name__)


class TrustedQuerySet(models.QuerySet[Any]):
    def enabled(self) -> Self:
        return self.filter(enabled=True)


class TrustedParty(models.Model):
    """A party IT can disable at once, without deleting what it vouched for."""

    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrustedQuerySet.as_manager()

    class Meta:
        abstract = True


class KeyedQuerySet(TrustedQuerySet):
    def refreshable(self) -> KeyedQuerySet:
        """The enabled parties whose keys live at a ``jwks_uri``."""
        return self.enabled().exclude(jwks_uri="")


class KeyedParty(TrustedParty):
    """A trusted party whose signatures are checked with its keys: a JWKS given
    inline, or fetched from its ``jwks_uri`` (never keys carried in what it signed).

    ``store_key`` names the field that identifies it in an exported file,
    ``store_fields`` the fields the file holds, ``store_noun`` how messages call it.
    """

    jwks = models.JSONField(_("JWKS"), null=True, blank=True)
    jwks_uri = models.URLField(_("JWKS URI"), max_length=2000, blank=True)
    keys_refreshed_at = models.DateTimeField(_("keys last fetched"), null=True, blank=True)

    objects: ClassVar[models.Manager[KeyedParty]] = KeyedQuerySet.as_manager()

    store_key: str
    store_fields: tuple[str, ...]
    store_noun: str

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if bool(self.jwks) == bool(self.jwks_uri):
            errors["jwks"] = _("Give exactly one of jwks and jwks_uri.")
        if self.jwks:
            try:
                jose.validate_public_jwks(self.jwks)
            except jose.JOSEError as exc:
                errors["jwks"] = str(exc)
        self.clean_policy(errors)
        if errors:
            raise ValidationError(errors)

    def clean_policy(self, errors: dict[str, str | Promise]) -> None:
        """Add the errors of the subclass's own fields to ``errors``."""

    def check_string_lists(self, fields: tuple[str, ...], errors: dict[str, str | Promise], *, nonempty: bool = False) -> None:
        """JSON list fields must hold strings (``nonempty``: no empty string either)."""
        for field in fields:
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) and (v or not nonempty) for v in value):
                errors[field] = _("A list of strings.")

    def key_fingerprints(self) -> list[str]:
        """Thumbprints of the inline keys. A set being edited may be malformed (the
        form shows why), so keys without a thumbprint are left out, never raised."""
        keys = self.jwks.get("keys") if isinstance(self.jwks, dict) else None
        found = []
        for key in keys if isinstance(keys, list) else []:
            try:
                found.append(jose.jwk_thumbprint(key))
            except jose.JOSEError:
                continue
        return found


@transaction.atomic
def refresh_keys(party: KeyedParty) -> KeyedParty:
    """Fetch a party's ``jwks_uri`` now, so a broken or rotated set shows up in the
    admin before a request needs it."""
    if party.jwks_uri:
        key_sets.refresh(party.jwks_uri)
        party.keys_refreshed_at = timezone.now()
        party.save(update_fields=["keys_refreshed_at"])
    return party


def refresh_all(parties: models.QuerySet[Any], refresh: Callable[[Any], Any] = refresh_keys,
                errors: tuple[type[Exception], ...] = (key_sets.KeysUnavailable,)) -> int:
    """``refresh`` each of ``parties``; a failure is logged and does not stop the
    others (one broken endpoint must not leave every other store stale)."""
    refreshed = 0
    for party in parties:
        try:
            refresh(party)
            refreshed += 1
        except errors as exc:
            logger.warning("%s %s: refresh failed: %s", party._meta.verbose_name, party, exc)
    return refreshed


def export(model: type[KeyedParty]) -> list[dict[str, Any]]:
    return [{f: getattr(p, f) for f in model.store_fields} for p in model.objects.order_by(model.store_key)]


@transaction.atomic
def load(model: type[KeyedParty], entries: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update parties by ``store_key``; all or nothing, each one checked
    as the admin checks it. Returns (created, updated)."""
    created = updated = 0
    key, noun = model.store_key, model.store_noun
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(f"a {noun} entry is not a JSON object")
        unknown = set(entry) - set(model.store_fields)
        if unknown or key not in entry:
            raise ValueError(f"{noun} entry with unknown fields {sorted(unknown)} or without {key}")
        party = model.objects.filter(**{key: entry[key]}).first()
        is_new = party is None
        party = party or model(**{key: entry[key]})
        for name, value in entry.items():
            setattr(party, name, value)
        party.full_clean()
        party.save()
        created, updated = created + is_new, updated + (not is_new)
    return created, updated
