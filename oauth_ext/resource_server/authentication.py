"""Authenticate a resource request by its ``Authorization`` scheme, and the
``WWW-Authenticate`` challenges that answer failures (RFC 6750 §3, RFC 9449 §7.1)."""

from __future__ import annotations

from django.http import HttpRequest

from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidRequest, InvalidToken, OAuthError
from ..dpop.resource import verify_resource_proof
from ..mtls.resource import verify_certificate_binding
from ..pop.signed_requests import verify_signed_request
from ..protected_resources.metadata import metadata_url
from ..tokens.validation import TokenInfo, validate_access_token

SCHEMES = {"bearer": "Bearer", "dpop": "DPoP", "pop": "PoP"}


def algorithms() -> str:
    return " ".join(sorted(set(app_settings.DPOP.ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS))


def challenge(exc: OAuthError | None = None, *, scheme: str | None = None, request: HttpRequest | None = None) -> str:
    """Without an error every accepted scheme is offered; with one, the scheme the
    client used carries it (§7.2). A listed protected resource adds where its RFC
    9728 metadata is (``resource_metadata``, §5.1)."""
    url = metadata_url(request) if request is not None else None
    pointer = f'resource_metadata="{url}"' if url else ""
    dpop = ", ".join(p for p in (f'algs="{algorithms()}"', pointer) if p)
    if exc is None:
        bearer = f"Bearer {pointer}".rstrip()
        return f"{bearer}, DPoP {dpop}" if app_settings.RESOURCE_SERVER.ALLOW_BEARER else f"DPoP {dpop}"
    params = f'error="{exc.error}", error_description="{exc.description}"'
    if scheme == "DPoP":
        return f"DPoP {params}, {dpop}"
    return ", ".join(p for p in (f"{scheme or 'Bearer'} {params}", pointer) if p)


def with_challenge(exc: OAuthError, scheme: str, request: HttpRequest | None = None) -> OAuthError:
    """``exc`` with the ``WWW-Authenticate`` challenge of the scheme the client used."""
    exc.headers.setdefault("WWW-Authenticate", challenge(exc, scheme=scheme, request=request))
    return exc


def bound(info: TokenInfo) -> bool:
    """Bound to a key the client proves per request; a certificate binding alone (RFC
    8705) keeps the Bearer scheme and is checked against the TLS client certificate."""
    cnf = info.claims.get("cnf")
    return isinstance(cnf, dict) and bool(set(cnf) - {"x5t#S256"})


def authenticate(request: HttpRequest) -> tuple[str, TokenInfo] | None:
    """``(scheme, token info)`` for a request carrying a valid token, None for one
    carrying none; any failure raises an OAuthError with its challenge."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    name, _, credential = header.partition(" ")
    scheme = SCHEMES.get(name.lower(), "Bearer")
    credential = credential.strip()
    if name.lower() not in SCHEMES or not credential or " " in credential or "," in header:
        raise with_challenge(InvalidRequest("Malformed Authorization header."), scheme, request)
    try:
        if scheme == "PoP":
            return scheme, verify_signed_request(request, credential)
        info = validate_access_token(credential)
        verify_certificate_binding(request, info.claims)
        if scheme == "DPoP":
            verify_resource_proof(request, credential, info)
        elif bound(info):  # RFC 9449 §7.2: a bound token is never a bearer token
            raise InvalidToken("Key-bound access token presented as a bearer token.")
        elif not app_settings.RESOURCE_SERVER.ALLOW_BEARER:
            raise InvalidToken("Bearer tokens are not accepted here.")
        return scheme, info
    except OAuthError as exc:
        raise with_challenge(exc, scheme, request) from exc
