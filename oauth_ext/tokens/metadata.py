"""AS metadata from the token feature: where our signing keys are published."""

from __future__ import annotations

from typing import Any

from ..core.issuer import endpoint_url


def metadata(request: Any) -> dict[str, Any]:
    return {"jwks_uri": endpoint_url("oauth_ext:jwks")}
