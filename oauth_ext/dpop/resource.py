"""The DPoP part of a resource request (RFC 9449 §7, §9)."""

from __future__ import annotations

from django.http import HttpRequest

from ..conf import app_settings
from ..core.errors import InvalidToken
from ..tokens.validation import TokenInfo
from . import proofs
from .errors import InvalidDPoPProof, UseDPoPNonce


class ResourceDPoPProof(InvalidDPoPProof):
    """At a resource server a bad proof is a 401 with a DPoP challenge (§7.1)."""

    status_code = 401


class ResourceUseDPoPNonce(UseDPoPNonce):
    status_code = 401
    description = "Resource server requires nonce in DPoP proof"


def nonce_audience(request: HttpRequest) -> str:
    """RS nonces are this origin's alone (§9)."""
    return "rs:" + request.build_absolute_uri("/")


def verify_resource_proof(request: HttpRequest, token: str, info: TokenInfo) -> None:
    """The proof accompanies ``token`` and is signed by the key it is bound to."""
    if info.jkt is None:
        raise InvalidToken("The access token is not DPoP-bound.")
    proof = proofs.verify(
        proofs.single_header(request.META.get("HTTP_DPOP")) or "",
        method=request.method or "",
        url=request.build_absolute_uri(request.path),
        access_token=token,
        nonce_audience=nonce_audience(request) if app_settings.DPOP.RS_REQUIRE_NONCE else None,
        error=ResourceDPoPProof,
        nonce_error=ResourceUseDPoPNonce,
    )
    if proof.jkt != info.jkt:
        raise InvalidToken("Invalid DPoP key binding")  # §4.3 (12)
