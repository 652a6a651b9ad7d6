"""Bridge our errors into oauthlib, whose endpoints render them inside DOT's views."""

from __future__ import annotations

from oauthlib.oauth2.rfc6749 import errors as oauthlib_errors

from .errors import OAuthError


def to_oauthlib(exc: OAuthError) -> oauthlib_errors.OAuth2Error:
    """An oauthlib error with the same ``error``, status and description."""
    error = oauthlib_errors.OAuth2Error(description=exc.description, status_code=exc.status_code)
    error.error = exc.error
    return error


def from_oauthlib(exc: oauthlib_errors.OAuth2Error) -> OAuthError:
    """Our error class for an oauthlib error raised outside oauthlib's endpoints."""
    classes = {cls.error: cls for cls in OAuthError.__subclasses__()}
    error = classes.get(exc.error, OAuthError)(exc.description)
    error.status_code = exc.status_code
    return error
