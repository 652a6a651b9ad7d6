"""The ``status`` claim of JWT access tokens (draft §6)."""

from typing import Any

from .. import context
from ..conf import app_settings
from . import services


def status(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    if not app_settings.STATUS_LIST.ENABLED:
        return {}
    list_id, idx = services.allocate()
    context.of(request).status_entry = (list_id, idx)
    return {"status": {"status_list": {"idx": idx, "uri": services.list_uri(list_id)}}}
