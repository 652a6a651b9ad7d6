"""AS metadata from the status list (draft §9.3)."""

from typing import Any

from ..conf import app_settings
from ..core.issuer import endpoint_url


def metadata(request: Any) -> dict[str, Any]:
    if not app_settings.STATUS_LIST.ENABLED:
        return {}
    return {"status_list_aggregation_endpoint": endpoint_url("oauth_ext:status-list-aggregation")}
