"""DRF authentication with DPoP-bound (RFC 9449 §7) and, where allowed, bearer tokens.

``request.auth`` is a :class:`~oauth_ext.tokens.validation.TokenInfo`, which speaks
the interface of DOT's AccessToken, so ``oauth2_provider.contrib.rest_framework``
permission classes such as ``TokenHasScope`` work on it unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.views import exception_handler as drf_exception_handler

from ...core.errors import OAuthError
from ...core.handlers import error_response
from ...resource_server import authentication as resource


class OAuthAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, error: OAuthError):
        super().__init__(detail=error.description or error.error, code=error.error)
        self.oauth_error = error


class DPoPAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        try:
            result = resource.authenticate(request._request)
        except OAuthError as exc:
            request._request.oauth_ext_error = exc
            raise OAuthAuthenticationFailed(exc) from exc
        if result is None:
            return None
        _, info = result
        return info.user or AnonymousUser(), info

    def authenticate_header(self, request: Any) -> str:
        error = getattr(request._request, "oauth_ext_error", None)
        return error.headers["WWW-Authenticate"] if error is not None else resource.challenge(request=request._request)


def exception_handler(exc: Exception, context: dict[str, Any]):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: OAuth errors as RFC 6749 §5.2 bodies
    with every header they carry (``WWW-Authenticate``, ``DPoP-Nonce``)."""
    if isinstance(exc, OAuthAuthenticationFailed):
        return error_response(exc.oauth_error)
    if isinstance(exc, OAuthError):
        return error_response(exc)
    return drf_exception_handler(exc, context)
