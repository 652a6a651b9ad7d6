"""System checks of the resource-server helpers."""

from __future__ import annotations

from django.core.checks import CheckMessage, Error

from ..conf import app_settings
from .challenges import STYLES


def check() -> list[CheckMessage]:
    style = app_settings.RESOURCE_SERVER.STEP_UP_CHALLENGE
    if style not in STYLES:
        return [Error(f"RESOURCE_SERVER.STEP_UP_CHALLENGE is {style!r}, not one of {', '.join(STYLES)}.",
                      id="oauth_ext.E031")]
    return []
