"""AS metadata from mutual TLS (RFC 8705 §3.3, §5)."""

from __future__ import annotations

from typing import Any

from ..conf import app_settings


def metadata(request: Any) -> dict[str, Any]:
    conf = app_settings.MTLS
    if not conf.CERTIFICATE_HEADER:
        return {}
    return {
        "tls_client_certificate_bound_access_tokens": bool(conf.CERTIFICATE_BOUND_ACCESS_TOKENS),
        "mtls_endpoint_aliases": conf.ENDPOINT_ALIASES or None,
    }
