"""Absolute URLs of our endpoints, on the issuer identifier's origin.

Built from the configured issuer rather than the request's Host header, so an
attacker-chosen Host can never change an audience we accept or a URL we publish.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from ..conf import app_settings


def endpoint_url(view_name: str) -> str | None:
    """``https://issuer-origin/path-of-view``, or None when the view is not routed."""
    issuer = app_settings.issuer
    if not issuer:
        return None
    try:
        path = reverse(view_name)
    except NoReverseMatch:
        return None
    scheme, _, rest = issuer.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}{path}"
