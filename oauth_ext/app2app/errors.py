"""App2App error codes."""

from ..core.errors import OAuthError


class NativeAppUnsupported(OAuthError):
    """draft-zehavi-oauth-app2app-browserless-07 §3.4: this request cannot be served
    natively; the client app falls back to the browser (§4.2)."""

    error = "native_app2app_unsupported"
    status_code = 400
    description = "This authorization request cannot be completed without a browser."
