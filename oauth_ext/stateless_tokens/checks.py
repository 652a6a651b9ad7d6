"""System checks of stateless access tokens."""

from __future__ import annotations

from django.core.checks import CheckMessage, Warning

from ..conf import app_settings


def check() -> list[CheckMessage]:
    if not app_settings.ACCESS_TOKENS.STATELESS:
        return []
    if not app_settings.STATUS_LIST.ENABLED:
        return [Warning(
            "ACCESS_TOKENS.STATELESS is on but the status list is off: tokens stay stored, since an "
            "unstored token without a status entry could never be revoked.",
            hint='Turn OAUTH_EXT["STATUS_LIST"]["ENABLED"] on, or STATELESS off.', id="oauth_ext.W040",
        )]
    if app_settings.RESOURCE_SERVER.TOKEN_VALIDATION == "database":
        return [Warning(
            "ACCESS_TOKENS.STATELESS is on but this site's APIs validate tokens in DOT's table "
            '(RESOURCE_SERVER.TOKEN_VALIDATION "database"), which does not hold them: they are refused.',
            hint='Set OAUTH_EXT["RESOURCE_SERVER"]["TOKEN_VALIDATION"] to "jwt" (or "introspection").',
            id="oauth_ext.W041",
        )]
    return []
