"""Render :class:`~oauth_ext.core.errors.OAuthError` as an RFC 6749 §5.2 response."""

from __future__ import annotations

import logging
from typing import Any

from django.http import JsonResponse

from .errors import InvalidClient, OAuthError

logger = logging.getLogger(__name__)


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


def log_failure(exc: OAuthError, **context: Any) -> None:
    """Log the exact reason of a failure the client only sees generically."""
    logger.info("%s: %s %s", exc.error, exc.reason, context or "")


def exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF exception handler for our views: OAuth errors in the §5.2 shape."""
    if isinstance(exc, OAuthError):
        log_failure(exc)
        return error_response(exc)
    from rest_framework.views import exception_handler as drf_handler

    return drf_handler(exc, context)
