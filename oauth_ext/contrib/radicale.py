"""A Radicale (CalDAV/CardDAV) auth plugin on our resource-server helper: users sign
in with ``Authorization: Bearer <access token>`` for the service they reach.

Mount each service at the path of its RFC 8707 resource in ``RESOURCES.KNOWN``
(``https://dav.example.com/carddav`` at ``/carddav``, ``https://dav.example.com/caldav``
at ``/caldav``), each a Radicale application with its own storage, and set::

    [auth]
    type = oauth_ext.contrib.radicale

A request's token must be valid (``RESOURCE_SERVER.TOKEN_VALIDATION``), name the
resource mounted at the request's ``SCRIPT_NAME`` in its ``aud``, carry one of that
resource's scopes and belong to a user, whose name becomes the Radicale user. Basic
passwords are never accepted. Django must be configured in the process
(``DJANGO_SETTINGS_MODULE``); the plugin sets it up if it is not yet.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from radicale import auth

_verified = threading.local()


def _django() -> None:
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def resource_at(mount: str) -> tuple[str, list[str]] | None:
    """The known resource served at ``mount`` (a URL path), with its scopes."""
    from ..consent.resources import known

    for uri, entry in known().items():
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") and parts.path.rstrip("/") == mount.rstrip("/"):
            return uri, list(entry.get("scopes") or [])
    return None


def username_for(token: str, mount: str) -> str | None:
    """The user a valid token for the service at ``mount`` signs in, else None."""
    from ..core.errors import InvalidToken
    from ..tokens.validation import validate_access_token

    service = resource_at(mount)
    if service is None:
        return None
    resource, scopes = service
    try:
        info = validate_access_token(token, audience=resource)
    except InvalidToken:
        return None
    if "cnf" in info.claims or (scopes and not set(scopes) & info.scopes):
        return None  # a key-bound token needs its proof; a token without the service's scope
    return info.username


class Auth(auth.BaseAuth):
    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        _django()

    def get_external_login(self, environ: Mapping[str, Any]) -> tuple[()] | tuple[str, str]:
        """A Bearer token is checked here, where the request's mount point is known. A
        refused token is anonymous (Radicale answers 401); Basic credentials are left to
        Radicale, and refused by :meth:`_login`."""
        _verified.value = None
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return ()
        from django.db import connections

        try:
            username = username_for(token.strip(), environ.get("SCRIPT_NAME", ""))
        finally:
            connections.close_all()  # this thread's: Radicale serves each request in a thread of its own
        if not username:
            return ()  # no Basic credentials follow: Radicale answers 401
        _verified.value = (username, token.strip())
        return username, token.strip()

    def _login(self, login: str, password: str) -> str:
        """Only the login :meth:`get_external_login` verified for this very request."""
        verified, _verified.value = getattr(_verified, "value", None), None
        if verified is None or verified[0] != login or not hmac.compare_digest(verified[1], password):
            return ""
        return login
