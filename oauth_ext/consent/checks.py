"""System checks of the known resources and the authorization details types."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from oauth2_provider.oauth2_validators import is_valid_resource_uri

from ..conf import app_settings


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check() -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    known = app_settings.RESOURCES.KNOWN
    for uri, entry in (known.items() if isinstance(known, dict) else [(None, None)]):
        if not (isinstance(uri, str) and is_valid_resource_uri(uri) and isinstance(entry, dict)
                and _strings(entry.get("scopes", []))):
            messages.append(Error(
                f"RESOURCES.KNOWN entry {uri!r} needs an absolute URI (RFC 8707 §2) and a dict with a list of scopes.",
                id="oauth_ext.E011",
            ))
    types = app_settings.AUTHORIZATION_DETAILS.TYPES
    for kind, entry in (types.items() if isinstance(types, dict) else [(None, None)]):
        if not (isinstance(kind, str) and kind and (entry is None or (isinstance(entry, dict)
                                                                       and _strings(entry.get("fields", []))))):
            messages.append(Error(
                f"AUTHORIZATION_DETAILS.TYPES entry {kind!r} needs a type name and a dict with a list of fields.",
                id="oauth_ext.E012",
            ))
    return messages
