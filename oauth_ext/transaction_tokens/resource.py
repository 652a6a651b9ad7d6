"""For the services of a trust domain: accept a request by its ``Txn-Token`` header.

The header carries exactly one Txn-Token, never in ``Authorization`` (draft -10
§7.1); the service checks signature, ``aud`` (its trust domain) and ``exp``, and
forwards the header unchanged on its own outbound calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from ..core.errors import InsufficientScope, InvalidRequest, InvalidToken, OAuthError
from ..core.handlers import error_response
from ..tokens.validation import verification_keys
from .services import verify

HEADER = "HTTP_TXN_TOKEN"


def _challenge(exc: OAuthError) -> OAuthError:
    # The draft defines no challenge; 401 needs one, so it names the header.
    exc.headers.setdefault("WWW-Authenticate", f'Txn-Token error="{exc.error}", error_description="{exc.description}"')
    return exc


def verify_request(request: HttpRequest, *, audience: str, scopes: list[str] | None = None) -> dict[str, Any]:
    """The claims of the request's valid Txn-Token, else an OAuthError to answer with."""
    value = request.META.get(HEADER)
    if not value:
        raise _challenge(InvalidToken("A Txn-Token header is required."))
    if "," in value or " " in value.strip():
        raise _challenge(InvalidRequest("The Txn-Token header must carry exactly one token."))
    try:
        claims = verify(value.strip(), audience=audience, keys=verification_keys())
    except OAuthError as exc:
        raise _challenge(exc) from exc
    if scopes and not set(scopes) <= set(str(claims["scope"]).split()):
        raise InsufficientScope("The Txn-Token's scope does not cover this call.")
    return claims


def txn_token_required(audience: str, scopes: list[str] | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``@txn_token_required("trust-domain.example", ["trade.stocks"])``: sets
    ``request.txn_token`` (the claims) or answers with the error."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                request.txn_token = verify_request(  # type: ignore[attr-defined]  # a view attribute, like request.user
                    request, audience=audience, scopes=scopes)
            except OAuthError as exc:
                return error_response(exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
