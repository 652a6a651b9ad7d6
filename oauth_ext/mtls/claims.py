"""``cnf`` ``x5t#S256`` of certificate-bound access tokens (RFC 8705 §3.1), next to
whatever confirmation another feature set (a DPoP ``jkt``)."""

from __future__ import annotations

from typing import Any

from .. import context
from ..conf import app_settings
from .certificates import thumbprint


def confirmation(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    certificate = context.of(request).client_certificate
    if certificate is None or not app_settings.MTLS.CERTIFICATE_BOUND_ACCESS_TOKENS:
        return {}
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict):
        cnf = {}
    return {"cnf": {**cnf, "x5t#S256": thumbprint(certificate)}}
