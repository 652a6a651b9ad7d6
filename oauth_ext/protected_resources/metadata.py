"""Which paths of this site are protected resources, and their RFC 9728 metadata.

A resource's identifier is this site's origin plus the path listed in
``PROTECTED_RESOURCES.PATHS``; its metadata lives at the well-known URI formed by
inserting ``/.well-known/oauth-protected-resource`` between the host and the path
(RFC 9728 §3.1).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..conf import app_settings
from ..core import jose

WELL_KNOWN = "/.well-known/oauth-protected-resource"


def entry(path: str) -> dict[str, Any] | None:
    """The configured entry for ``path``, None when it is not a protected resource."""
    paths = app_settings.PROTECTED_RESOURCES.PATHS
    value = paths.get(path)
    return dict(value) if isinstance(value, dict) else None


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def metadata_url(request: HttpRequest) -> str | None:
    """The metadata URL of the resource ``request`` addressed, or None."""
    if entry(request.path) is None:
        return None
    return _origin(request) + WELL_KNOWN + request.path


def document(request: HttpRequest, path: str) -> dict[str, Any] | None:
    """RFC 9728 §2 metadata of the resource at ``path`` (None when unknown). ``resource``
    is the identifier the well-known URL was formed from (§3.3)."""
    config = entry(path)
    if config is None:
        return None
    data: dict[str, Any] = {
        "resource": _origin(request) + path,
        "authorization_servers": [app_settings.issuer] if app_settings.issuer else [],
        "bearer_methods_supported": ["header"],
        "dpop_signing_alg_values_supported": sorted(set(app_settings.DPOP.ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS),
    }
    data.update({k: v for k, v in config.items() if k in ("scopes_supported", "resource_name", "resource_documentation",
                                                             "dpop_bound_access_tokens_required")})
    return data
