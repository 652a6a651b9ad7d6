"""AS metadata from attestation-based client authentication (-11 §8.1)."""

from __future__ import annotations

from typing import Any

from ..client_auth import registry
from ..core.issuer import endpoint_url
from .methods import AttestationMethod


def metadata(request: Any) -> dict[str, Any]:
    modes = [m for m in registry.methods() if isinstance(m, AttestationMethod)]
    if not modes:
        return {}
    data: dict[str, Any] = {"challenge_endpoint": endpoint_url("oauth_ext:attestation-challenge")}
    data.update(modes[0].metadata())
    # "none": clients registered for other methods need no attestation (§7.6).
    data["client_attestation_pop_methods_supported"] = [m.pop_method for m in modes] + ["none"]
    return data
