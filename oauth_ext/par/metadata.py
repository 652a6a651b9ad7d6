"""AS metadata from PAR (RFC 9126 §5)."""

from typing import Any

from ..conf import app_settings
from ..core.issuer import endpoint_url


def metadata(request: Any) -> dict[str, Any]:
    if not app_settings.PAR.ENABLED:
        return {}
    return {
        "pushed_authorization_request_endpoint": endpoint_url("oauth_ext:par"),
        "require_pushed_authorization_requests": app_settings.PAR.REQUIRED,
        "pushed_client_registration_supported": app_settings.PAR.PUSHED_REGISTRATION != "off",
    }
