"""Authorization server metadata (RFC 8414) and OIDC discovery, extended per feature.

Each feature switched on contributes its keys (``Feature.metadata``); the views
merge them over DOT's document.
"""

from __future__ import annotations

from typing import Any

from .. import features
from ..conf import app_settings


def extend(document: dict[str, Any], request: Any) -> dict[str, Any]:
    """DOT's metadata ``document`` with our issuer and every enabled feature's keys."""
    data = dict(document)
    if app_settings.issuer:
        data["issuer"] = app_settings.issuer
    data.update(features.metadata(request))
    return data


def site_metadata(request: Any) -> dict[str, Any]:
    """Keys naming the site's own endpoints: a native authorization endpoint of its
    own (draft-zehavi-oauth-app2app-browserless-07 §3.2) takes the place of ours."""
    if app_settings.NATIVE_AUTHORIZATION_ENDPOINT:
        return {"native_authorization_endpoint": app_settings.NATIVE_AUTHORIZATION_ENDPOINT}
    return {}
