"""AS metadata: the draft's flag, spelled as the draft spells it."""

from typing import Any

from ..conf import app_settings


def metadata(request: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"support_client_extentison_claims": True}  # sic, -02 §5
    if app_settings.NATIVE_AUTHORIZATION_ENDPOINT:
        # draft-zehavi-oauth-app2app-browserless (-05 on): announced when configured.
        data["native_authorization_endpoint"] = app_settings.NATIVE_AUTHORIZATION_ENDPOINT
    return data
