"""Issuing, revoking and introspecting stateless access tokens through their
status-list entries (draft-ietf-oauth-status-list-21), never DOT's token table.

Revocation (``revoke``, ``revoke_all``) works whatever the setting, so a site that
turns the mode off can still revoke the stateless tokens it issued before; what
accepts a token (``live``, ``introspect``) answers None, without a query, while the
mode is off: those tokens are then refused, never trusted unchecked."""

from __future__ import annotations

import calendar
import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from ..conf import app_settings
from ..core import jose
from ..core.keys import signing_keys
from ..status_list.encoding import INVALID, VALID
from ..status_list.models import StatusEntry
from ..status_list.services import set_status
from . import enabled
from .models import StatelessToken

ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")  # RFC 9068 §2.1
MAX_TOKEN_BYTES = 16384


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def record(entry: tuple[int, int], token: str, *, application_id: int, user_id: int | None,
           expires: datetime.datetime) -> None:
    """The status entry and the side record in one statement: one round trip, both or
    neither. An entry already written (the status-list mixin records one for a token
    response that still held a refresh token when it ran) gets its record; a re-sent
    token keeps both."""
    entries = connection.ops.quote_name(StatusEntry._meta.db_table)
    records = connection.ops.quote_name(StatelessToken._meta.db_table)
    value = checksum(token)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH entry AS (INSERT INTO {entries} (status_list_id, idx, status, token_checksum, changed_at) "  # noqa: S608 - table names from the models
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (token_checksum) DO NOTHING RETURNING id) "
            f"INSERT INTO {records} (entry_id, application_id, user_id, expires) SELECT e.id, %s, %s, %s FROM "
            f"(SELECT id FROM entry UNION ALL SELECT id FROM {entries} WHERE token_checksum = %s) e "
            "ON CONFLICT (entry_id) DO NOTHING",
            [*entry, VALID, value, timezone.now(), application_id, user_id, expires, value],
        )


def verified_claims(token: Any) -> dict[str, Any] | None:
    """The claims of an access token this server signed (any of its keys, ``typ``
    ``at+jwt``, our ``iss``), or None for anything else: forged, foreign, damaged."""
    if not isinstance(token, str) or token.count(".") != 2:
        return None
    try:
        header = jose.unverified_header(token, max_bytes=MAX_TOKEN_BYTES)
        if header.get("typ") not in ACCESS_TOKEN_TYPES:
            return None
        alg = header.get("alg")
        if not isinstance(alg, str):
            return None
        keys = [key.public_jwk for key in signing_keys()]
        key = jose.select_key(keys, kid=header.get("kid"), alg=alg)
        _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms=jose.ASYMMETRIC_ALGORITHMS,
                                    max_bytes=MAX_TOKEN_BYTES)
    except (jose.JOSEError, ValueError, TypeError):
        return None
    return claims if claims.get("iss") == app_settings.issuer else None


def revoke(token: str, client: Any) -> bool:
    """RFC 7009 §2.1 for a stateless token: ours, and issued to ``client``; its entry
    becomes INVALID. False (nothing changed) for any other token."""
    if verified_claims(token) is None or getattr(client, "pk", None) is None:
        return False
    value = checksum(token)
    if not StatelessToken.objects.filter(entry__token_checksum=value, application_id=client.pk).exists():
        return False
    set_status([value], INVALID)
    return True


def revoke_all(application_ids: Iterable[int] | QuerySet, *, user_id: int | None = None) -> int:
    """Every live stateless token of these clients (ids, or a one-column queryset of
    them; of one user, if given) becomes INVALID: instance revocation and consent
    withdrawal. Returns how many."""
    records = StatelessToken.objects.filter(application_id__in=application_ids, expires__gt=timezone.now())
    if user_id is not None:
        records = records.filter(user_id=user_id)
    checksums = list(StatusEntry.objects.filter(pk__in=records.values("entry_id"), status=VALID)
                     .values_list("token_checksum", flat=True))
    set_status(checksums, INVALID)
    return len(checksums)


def live(token: Any) -> tuple[dict[str, Any], StatelessToken] | None:
    """The claims and record of a stateless token this server still honours (what DOT's
    ``AccessToken.is_valid`` says of a stored one), or None: not ours, expired, unknown
    here, or its entry is no longer VALID (or the mode is off)."""
    if not enabled():
        return None
    claims = verified_claims(token)
    if not claims:
        return None
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= timezone.now().timestamp():
        return None
    found = (StatelessToken.objects.select_related("entry", "application", "user")
             .filter(entry__token_checksum=checksum(token), entry__status=VALID).first())
    if found is None or found.expires <= timezone.now():
        return None
    return claims, found


def introspect(token: str) -> dict[str, Any] | None:
    """RFC 7662 §2.2 base answer for a live stateless token (the fields DOT's view gives
    a stored one: ``scope``, ``exp``, ``client_id``, ``username``, ``aud``), or None."""
    honoured = live(token)
    if honoured is None:
        return None
    claims, found = honoured
    body: dict[str, Any] = {"active": True, "scope": claims.get("scope", ""),
                            "exp": int(calendar.timegm(found.expires.timetuple())),
                            "client_id": found.application.client_id}
    if found.user is not None:
        body["username"] = found.user.get_username()
    if claims.get("aud"):
        body["aud"] = claims["aud"]
    return body


def prune(*, now: datetime.datetime | None = None) -> int:
    """Forget the side records of expired tokens (their entries stay, as for stored
    tokens); nothing can revoke or introspect an expired token."""
    deleted, _ = StatelessToken.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
