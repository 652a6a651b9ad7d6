"""Resource-server side of DPoP (RFC 9449 §7, §9): check a request's access token
and its proof, whatever framework the view uses.
"""

from __future__ import annotations

from django.http import HttpRequest

from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidRequest, InvalidToken, OAuthError
from ..tokens.validation import TokenInfo, validate_access_token
from . import proofs
from .errors import InvalidDPoPProof, UseDPoPNonce


class ResourceDPoPProof(InvalidDPoPProof):
    """At a resource server a bad proof is a 401 with a DPoP challenge (§7.1)."""

    status_code = 401


class ResourceUseDPoPNonce(UseDPoPNonce):
    status_code = 401
    description = "Resource server requires nonce in DPoP proof"


def algorithms() -> str:
    return " ".join(sorted(set(app_settings.DPOP.ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS))


def challenge(exc: OAuthError | None = None, *, scheme: str | None = None) -> str:
    """``WWW-Authenticate`` for a failed or absent credential (§7.1, §7.2).

    Without an error both schemes are offered; with one, the scheme the client used
    carries it.
    """
    dpop = f'DPoP algs="{algorithms()}"'
    if exc is None:
        return f"Bearer, {dpop}" if app_settings.RESOURCE_SERVER.ALLOW_BEARER else dpop
    params = f'error="{exc.error}", error_description="{exc.description}"'
    if scheme == "Bearer":
        return f"Bearer {params}"
    return f"DPoP {params}, algs=\"{algorithms()}\""


def rs_nonce_audience(request: HttpRequest) -> str:
    return "rs:" + request.build_absolute_uri("/")


def authenticate(request: HttpRequest) -> tuple[str, TokenInfo] | None:
    """Validate the access token of ``request`` and, for DPoP, its proof.

    Returns ``(scheme, token_info)``, or None when the request carries no token.
    Raises an OAuthError whose ``scheme`` attribute names the scheme to challenge.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    scheme = {"dpop": "DPoP", "bearer": "Bearer"}.get(scheme.lower())
    if scheme is None or not token or " " in token or "," in header:
        raise with_challenge(InvalidRequest("Malformed Authorization header."), "DPoP")
    try:
        info = validate_access_token(token)
        if scheme == "Bearer":
            if info.jkt is not None:  # §7.2: a bound token is never a bearer token
                raise InvalidToken("DPoP-bound access token presented as a bearer token.")
            if not app_settings.RESOURCE_SERVER.ALLOW_BEARER:
                raise InvalidToken("Bearer tokens are not accepted here.")
            return scheme, info
        if info.jkt is None:
            raise InvalidToken("The access token is not DPoP-bound.")
        proof = proofs.verify(
            proofs.single_header(request.META.get("HTTP_DPOP")) or "",
            method=request.method,
            url=request.build_absolute_uri(request.path),
            access_token=token,
            nonce_audience=rs_nonce_audience(request) if app_settings.DPOP.RS_REQUIRE_NONCE else None,
            error=ResourceDPoPProof,
            nonce_error=ResourceUseDPoPNonce,
        )
        if proof.jkt != info.jkt:
            raise InvalidToken("Invalid DPoP key binding")  # §4.3 (12)
        return scheme, info
    except OAuthError as exc:
        raise with_challenge(exc, scheme) from exc


def with_challenge(exc: OAuthError, scheme: str) -> OAuthError:
    """``exc`` with the ``WWW-Authenticate`` challenge of the scheme the client used."""
    exc.scheme = scheme
    exc.headers.setdefault("WWW-Authenticate", challenge(exc, scheme=scheme))
    return exc
