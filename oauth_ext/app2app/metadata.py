"""AS metadata: ``native_authorization_endpoint`` (draft-zehavi-oauth-app2app-browserless-07 §3.2)."""

from typing import Any

from ..conf import app_settings
from ..core.issuer import endpoint_url


def metadata(request: Any) -> dict[str, Any]:
    if app_settings.NATIVE_AUTHORIZATION_ENDPOINT or not app_settings.APP2APP.ENABLED:
        return {}  # a site's own native endpoint is advertised instead (core.metadata.site_metadata)
    return {"native_authorization_endpoint": endpoint_url("oauth_ext:native-authorize")}
