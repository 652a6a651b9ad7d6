"""``gty``, ``cxt``, ``ccr`` and ``cmr`` (draft-lombardo-oauth-client-extension-claims-02 §3),
derived in one place from what the request actually did."""

from __future__ import annotations

from typing import Any

from .. import context
from .models import GrantContext
from .trust import ccr


def extensions(request: Any) -> list[str]:
    """The client extensions this token request (and its code) used."""
    used = set()
    if getattr(request, "code_verifier", None):
        used.add("pkce")
    if context.of(request).dpop is not None:
        used.add("dpop")
    if context.of(request).pop is not None:
        used.add("pop")
    if context.of(request).attestation is not None:
        used.add("attestation")
    if context.of(request).client_certificate is not None:
        used.add("mtls")
    code = getattr(request, "code", None)
    if code and request.grant_type == "authorization_code":
        grant_context = GrantContext.objects.filter(grant__code=code).values_list("extensions", flat=True).first()
        used.update(grant_context or [])
    return sorted(used)


def client_extension_claims(request: Any, claims: dict[str, Any]) -> dict[str, Any]:
    extra = {"gty": request.grant_type, "cxt": extensions(request)}
    method = context.of(request).client_auth_method
    if method:
        extra["cmr"] = method
    if value := ccr(request):
        extra["ccr"] = value
    return extra
