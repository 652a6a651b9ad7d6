"""The time claims of the JWTs we receive (RFC 7519 §4.1.4-§4.1.6): exp, nbf, iat.

One clock skew, ``OAUTH_EXT["CLOCK_SKEW"]``, for client assertions, software
statements, attestations, SPIFFE JWT-SVIDs and DPoP proofs. The per-feature
``CLOCK_SKEW`` settings of the sections ``CLIENT_AUTH``, ``DPOP``, ``ATTESTATION``
and ``SPIFFE`` are still read: set (not None), one replaces the common value for
that feature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..conf import app_settings
from .jose import is_numeric_date

__all__ = ["Clock", "clock_skew", "is_numeric_date"]


def clock_skew(section: str | None = None) -> int:
    """Seconds of clock difference tolerated: ``section``'s own ``CLOCK_SKEW`` where a
    site set one, else ``OAUTH_EXT["CLOCK_SKEW"]`` (``conf`` fills in the fallback)."""
    return int(getattr(app_settings, section).CLOCK_SKEW if section else app_settings.CLOCK_SKEW)


@dataclass(frozen=True)
class Clock:
    """``now`` with the skew a feature tolerates."""

    now: float
    skew: int

    @classmethod
    def of(cls, section: str | None = None, now: float | None = None) -> Clock:
        return cls(now=time.time() if now is None else now, skew=clock_skew(section))

    def expired(self, exp: Any) -> bool:
        """``exp`` is no NumericDate or has passed (RFC 7519 §4.1.4)."""
        return not is_numeric_date(exp) or exp <= self.now - self.skew

    def in_future(self, value: Any) -> bool:
        """An ``iat`` or ``nbf`` that is present but no NumericDate or still ahead (§4.1.5, §4.1.6)."""
        return value is not None and (not is_numeric_date(value) or value > self.now + self.skew)

    def within(self, iat: Any, max_age: float) -> bool:
        """``iat`` is a NumericDate no older than ``max_age`` and not ahead of us."""
        return is_numeric_date(iat) and self.now - max_age <= iat <= self.now + self.skew
