"""AS metadata from registration (RFC 8414 §2)."""

from typing import Any

from ..conf import app_settings
from ..core.issuer import endpoint_url


def metadata(request: Any) -> dict[str, Any]:
    if not app_settings.REGISTRATION.ENABLED:
        return {}
    return {"registration_endpoint": endpoint_url("oauth_ext:registration")}
