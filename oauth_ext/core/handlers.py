"""Render :class:`~oauth_ext.core.errors.OAuthError` as an RFC 6749 §5.2 response."""

from __future__ import annotations

import json

from django.http import JsonResponse

from .errors import InvalidClient, OAuthError

#: RFC 6749 §5.2: a 401 ``invalid_client`` challenges with the scheme clients
#: authenticate with in the Authorization header, HTTP Basic (RFC 7617).
CLIENT_CHALLENGE = 'Basic realm="oauth", error="invalid_client"'


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
        response["WWW-Authenticate"] = CLIENT_CHALLENGE
    return response


def client_challenge(headers: dict[str, str], body: str, status: int) -> dict[str, str]:
    """oauthlib's response headers with its ``Bearer`` challenge on a 401
    ``invalid_client`` replaced by :data:`CLIENT_CHALLENGE`, as :func:`error_response`
    answers: a client that sent HTTP Basic credentials reads the error body instead
    of failing on a challenge for a scheme it never used."""
    if status != 401:
        return headers
    try:
        error = json.loads(body or "{}").get("error")
    except (ValueError, AttributeError):
        return headers
    return {**headers, "WWW-Authenticate": CLIENT_CHALLENGE} if error == "invalid_client" else headers
