"""Parsing and checking ``authorization_details`` (RFC 9396 §2) against the types
this server is configured for."""

from __future__ import annotations

from typing import Any

from ..conf import app_settings
from ..core import untrusted_json
from .errors import InvalidAuthorizationDetails

# RFC 9396 §2.2: the common data fields and their JSON types.
ARRAY_FIELDS = ("locations", "actions", "datatypes", "privileges")
STRING_FIELDS = ("identifier",)
MAX_BYTES = 16384


def configured_types() -> dict[str, Any]:
    return dict(app_settings.AUTHORIZATION_DETAILS.TYPES)


def parse(raw: Any) -> list[dict[str, Any]]:
    """The validated list of authorization details in ``raw`` (a JSON string or the
    decoded value); ``[]`` for an absent parameter."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        if len(raw.encode("utf-8")) > MAX_BYTES:
            raise InvalidAuthorizationDetails("authorization_details is too large")
        try:
            raw = untrusted_json.loads(raw)
        except ValueError:
            raise InvalidAuthorizationDetails("authorization_details is not JSON") from None
    # §2: "a JSON array of JSON objects", each with a string "type".
    if not isinstance(raw, list) or not raw:
        raise InvalidAuthorizationDetails("authorization_details must be a non-empty JSON array")
    types = configured_types()
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidAuthorizationDetails("each authorization detail must be a JSON object")
        kind = item.get("type")
        if not isinstance(kind, str) or not kind:
            raise InvalidAuthorizationDetails("each authorization detail needs a string type")
        if kind not in types:
            raise InvalidAuthorizationDetails(f"unknown authorization details type {kind!r}")
        allowed = (types[kind] or {}).get("fields")
        if allowed is not None:
            unknown = set(item) - {"type", *allowed}
            if unknown:
                raise InvalidAuthorizationDetails(f"unknown fields for {kind!r}: {', '.join(sorted(unknown))}")
        for name in ARRAY_FIELDS:
            if name in item and not (isinstance(item[name], list) and all(isinstance(v, str) for v in item[name])):
                raise InvalidAuthorizationDetails(f"{name} must be an array of strings")
        for name in STRING_FIELDS:
            if name in item and not isinstance(item[name], str):
                raise InvalidAuthorizationDetails(f"{name} must be a string")
    return raw


def missing(requested: list[dict[str, Any]], granted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requested details that no granted detail equals."""
    return [item for item in requested if item not in granted]


def merge(granted: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(granted) + missing(new, granted)


def for_resources(details: list[dict[str, Any]], resources: list[str]) -> list[dict[str, Any]]:
    """RFC 9396 §9.1: in a token asked for some resources, the details whose
    ``locations`` name one of them, and those without ``locations``; all of them
    for a token asked for no resource in particular."""
    if not resources:
        return list(details)
    return [d for d in details if "locations" not in d or set(resources) & set(d["locations"])]


def describe(item: dict[str, Any]) -> str:
    """Plain words for the consent page."""
    description = (configured_types().get(item.get("type", "")) or {}).get("description") or item.get("type", "")
    parts = [description]
    for name in ("actions", "locations", "datatypes", "identifier"):
        if name in item:
            value = item[name]
            parts.append(f"{name}: {', '.join(value) if isinstance(value, list) else value}")
    return " — ".join(parts)
