"""AS metadata from DPoP (RFC 9449 §5.1)."""

from typing import Any

from ..conf import app_settings
from ..core import jose


def metadata(request: Any) -> dict[str, Any]:
    if not app_settings.DPOP.ENABLED:
        return {}
    return {"dpop_signing_alg_values_supported": sorted(set(app_settings.DPOP.ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS)}
