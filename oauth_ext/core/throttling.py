"""Per-address throttles for our DRF endpoints, with rates from ``OAUTH_EXT``.

The counters live in the cache: when it cannot be reached the request is refused
as temporarily unavailable (fail closed), never answered with a 500 or let through.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from ..conf import app_settings
from .errors import TemporarilyUnavailable

logger = logging.getLogger(__name__)


class SettingRateThrottle(SimpleRateThrottle):  # type: ignore[misc]  # untyped third-party base
    """Subclasses name their scope and the section whose ``THROTTLE_RATE`` applies."""

    section = ""

    def get_rate(self) -> str:
        rate: str = getattr(app_settings, self.section).THROTTLE_RATE
        return rate

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            allowed: bool = super().allow_request(request, view)
            return allowed
        except Exception as exc:  # any cache backend failure: fail closed
            logger.error("throttle store unreachable: %s", exc)
            raise TemporarilyUnavailable(reason=f"throttle store unreachable: {exc}") from exc

    def get_cache_key(self, request: Any, view: Any) -> str:
        key: str = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return key


class RegistrationThrottle(SettingRateThrottle):
    scope, section = "oauth_ext_registration", "REGISTRATION"


class PARThrottle(SettingRateThrottle):
    scope, section = "oauth_ext_par", "PAR"


class OpenRegistrationThrottle(SettingRateThrottle):
    """Open registrations of public clients, per address, at their own rate."""

    scope, section = "oauth_ext_open_registration", "REGISTRATION"

    def get_rate(self) -> str:
        rate: str = app_settings.REGISTRATION.OPEN_THROTTLE_RATE
        return rate


class NativeAuthorizationThrottle(SettingRateThrottle):
    scope, section = "oauth_ext_app2app", "APP2APP"
