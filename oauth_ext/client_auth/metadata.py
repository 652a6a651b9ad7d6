"""AS metadata from client authentication (RFC 8414 §2)."""

from __future__ import annotations

from typing import Any

from . import registry


def metadata(request: Any) -> dict[str, Any]:
    methods = registry.method_names()
    algs: set[str] = set()
    for method in registry.methods():
        algs.update(method.metadata().get("token_endpoint_auth_signing_alg_values_supported", []))
    data: dict[str, Any] = {}
    # The same methods authenticate clients at all three endpoints.
    for endpoint in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        data[f"{endpoint}_auth_methods_supported"] = methods
        if algs:
            # RFC 8414 §2: MUST be present when private_key_jwt or client_secret_jwt is listed.
            data[f"{endpoint}_auth_signing_alg_values_supported"] = sorted(algs)
    return data
