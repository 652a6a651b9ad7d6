"""System checks of the PoP keys of resource servers."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning

from ..conf import app_settings
from ..core import jose


def _public(jwk: Any) -> bool:
    try:
        jose.load_public_jwk(jwk)
    except (jose.JOSEError, TypeError, ValueError):
        return False
    return True


def _valid_rs_cnf(cnf: Any) -> bool:
    if not isinstance(cnf, dict) or len(cnf) != 1:
        return False
    if "jwk" in cnf:
        return _public(cnf["jwk"])
    return isinstance(cnf.get("kid"), str) and bool(cnf["kid"])


def check() -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    known = app_settings.RESOURCES.KNOWN
    for uri, entry in (known.items() if isinstance(known, dict) else []):
        if not isinstance(entry, dict):
            continue
        if "pop_encryption_key" in entry and not _public(entry["pop_encryption_key"]):
            messages.append(Error(f"RESOURCES.KNOWN[{uri!r}]['pop_encryption_key'] is not a public JWK.", id="oauth_ext.E030"))
        if "rs_cnf" in entry and not _valid_rs_cnf(entry["rs_cnf"]):
            messages.append(Error(
                f"RESOURCES.KNOWN[{uri!r}]['rs_cnf'] must be {{'jwk': <public JWK>}} or {{'kid': <key id>}} (RFC 7800 §3).",
                id="oauth_ext.E030",
            ))
    if app_settings.POP.RESOURCE_KEYS:
        messages.append(Warning(
            "POP.RESOURCE_KEYS is read for backward compatibility: a resource's PoP key belongs in its RESOURCES.KNOWN entry.",
            hint="Move each key to RESOURCES.KNOWN[<resource>]['pop_encryption_key'] and drop POP.RESOURCE_KEYS; "
                 "the resource then needs no second listing.",
            id="oauth_ext.W030",
        ))
    return messages
