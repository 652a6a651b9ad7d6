"""The resource-server side of certificate-bound tokens (RFC 8705 §3): the request's
client certificate must be the one the token names."""

from __future__ import annotations

import hmac
from typing import Any

from ..core.errors import InvalidToken
from . import certificates


def verify_certificate_binding(request: Any, claims: dict[str, Any]) -> None:
    cnf = claims.get("cnf")
    expected = cnf.get("x5t#S256") if isinstance(cnf, dict) else None
    if expected is None:
        return
    certificate = certificates.client_certificate(request)
    if certificate is None or not hmac.compare_digest(certificates.thumbprint(certificate), str(expected)):
        raise InvalidToken("The access token is bound to another client certificate.")
