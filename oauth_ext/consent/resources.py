"""Known resources (RFC 8707): which resource indicators a request may name, and
which scopes a token for one of them may carry."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error

from ..conf import app_settings


def known() -> dict[str, dict[str, Any]]:
    table = dict(app_settings.RESOURCES.KNOWN)
    if table:  # resources named only by the older POP.RESOURCE_KEYS are known too
        for uri in app_settings.POP.RESOURCE_KEYS:
            table.setdefault(uri, {})
    return table


def requested(request: Any) -> list[str]:
    """Every ``resource`` of an oauthlib request (oauthlib keeps only the last one)."""
    values = [v for k, v in parse_qsl(request.uri_query or "", keep_blank_values=True) if k == "resource"]
    values += [v for k, v in (getattr(request, "decoded_body", None) or []) if k == "resource"]
    return list(dict.fromkeys(values))


def check_known(request: Any, values: list[str]) -> None:
    """RFC 8707 §2: ``invalid_target`` for a resource this server does not serve,
    once a site lists the ones it does."""
    table = known()
    for value in values:
        if table and value not in table:
            raise CustomOAuth2Error(error="invalid_target", description=f"unknown resource {value!r}", request=request)


def scopes_for(resources: list[str], scopes: list[str]) -> list[str]:
    """``scopes`` narrowed to those the named resources take (unchanged when a
    resource lists no scopes)."""
    table = known()
    allowed: set[str] = set()
    for value in resources:
        entry = table.get(value) or {}
        if "scopes" not in entry:
            return list(scopes)
        allowed.update(entry["scopes"])
    return [s for s in scopes if s in allowed] if resources else list(scopes)


def name(value: str) -> str:
    return (known().get(value) or {}).get("name") or value
