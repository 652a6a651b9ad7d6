"""Absolute URLs of our endpoints, on the issuer identifier's origin.

Built from the configured issuer rather than the request's Host header, so an
attacker-chosen Host can never change an audience we accept or a URL we publish.
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_urlconf, reverse

from ..conf import app_settings


def endpoint_url(view_name: str, *args: object) -> str | None:
    """``https://issuer-origin/path-of-view``, or None when the view is not routed."""
    issuer = app_settings.issuer
    if not issuer:
        return None
    return _endpoint_url(issuer, get_urlconf(), view_name, args)


@functools.lru_cache(maxsize=256)
def _endpoint_url(issuer: str, urlconf: str | None, view_name: str, args: tuple[object, ...]) -> str | None:
    try:
        path = reverse(view_name, urlconf=urlconf, args=args)
    except NoReverseMatch:
        return None
    scheme, _, rest = issuer.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}{path}"


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    if setting in ("ROOT_URLCONF", "OAUTH_EXT"):  # a feature switch changes the routes
        _endpoint_url.cache_clear()
