"""Render :class:`~oauth_ext.core.errors.OAuthError` as an RFC 6749 §5.2 response."""

from __future__ import annotations

from django.http import JsonResponse

from .errors import InvalidClient, OAuthError


def error_response(exc: OAuthError) -> JsonResponse:
    """JSON error body with ``Cache-Control: no-store`` and the headers it carries.

    A 401 ``invalid_client`` carries a ``WWW-Authenticate`` challenge (RFC 6749
    §5.2) unless the error already set one.
    """
    response = JsonResponse(exc.as_dict(), status=exc.status_code)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    for name, value in exc.headers.items():
        response[name] = value
    if isinstance(exc, InvalidClient) and "WWW-Authenticate" not in exc.headers:
        response["WWW-Authenticate"] = 'Basic realm="oauth", error="invalid_client"'
    return response
