"""Authorization server metadata (RFC 8414) and OIDC discovery, extended per feature.

Each feature contributes its keys through one function listed here; the views
merge them over DOT's document.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from django.utils.module_loading import import_string

from ..conf import app_settings

CONTRIBUTORS = (
    "oauth_ext.client_auth.metadata.metadata",
    "oauth_ext.tokens.metadata.metadata",
    "oauth_ext.dpop.metadata.metadata",
    "oauth_ext.status_list.metadata.metadata",
    "oauth_ext.registration.discovery.metadata",
    "oauth_ext.par.metadata.metadata",
    "oauth_ext.token_context.metadata.metadata",
    "oauth_ext.transaction_tokens.metadata.metadata",
    "oauth_ext.rar.metadata.metadata",
    "oauth_ext.consent.metadata.metadata",
    "oauth_ext.attestation.metadata.metadata",
    "oauth_ext.mtls.metadata.metadata",
    "oauth_ext.bcp.metadata.metadata",
    "oauth_ext.app2app.metadata.metadata",
)


@functools.lru_cache(maxsize=1)
def _contributors() -> tuple[Callable[[Any], dict[str, Any]], ...]:
    return tuple(import_string(path) for path in CONTRIBUTORS)


def extend(document: dict[str, Any], request: Any) -> dict[str, Any]:
    """DOT's metadata ``document`` with our issuer and every feature's keys."""
    data = dict(document)
    if app_settings.issuer:
        data["issuer"] = app_settings.issuer
    for contribute in _contributors():
        data.update({key: value for key, value in contribute(request).items() if value is not None})
    return data
