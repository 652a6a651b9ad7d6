"""Protect a plain Django view with Bearer, DPoP-bound or PoP access tokens."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..core.errors import InsufficientScope, OAuthError
from ..core.handlers import error_response
from . import authentication
from .challenges import StepUpChallenge


def token_required(scopes: list[str] | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``@token_required(["read"])``: sets ``request.oauth_token`` (a TokenInfo) or
    answers 401 with the RFC 9449 §7.1 / RFC 6750 §3 challenge (403 for scope); a
    step-up challenge the view raises becomes its response."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                result = authentication.authenticate(request)
            except OAuthError as exc:
                return error_response(exc)
            if result is None:
                response = JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
                response["WWW-Authenticate"] = authentication.challenge(request=request)
                return response
            scheme, info = result
            if not info.allow_scopes(scopes):
                return error_response(authentication.with_challenge(InsufficientScope(), scheme, request))
            request.oauth_token = info  # type: ignore[attr-defined]  # a view attribute, as Django sets request.user
            try:
                return view(request, *args, **kwargs)
            except StepUpChallenge as exc:  # raised by the view: it needs more than this token
                return error_response(exc)

        return wrapped

    return decorate
