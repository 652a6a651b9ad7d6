"""Bridge our errors into oauthlib, whose endpoints render them inside DOT's views."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from oauthlib.oauth2.rfc6749 import errors as oauthlib_errors

from .errors import OAuthError


class BridgedError(oauthlib_errors.OAuth2Error):  # type: ignore[misc]  # untyped third-party base
    """An oauthlib error carrying our ``error``, status, description and headers."""

    def __init__(self, exc: OAuthError):
        super().__init__(description=exc.description, status_code=exc.status_code)
        self.error = exc.error
        self.extra_headers = exc.headers

    @property
    def headers(self) -> dict[str, str]:
        return {**super().headers, **self.extra_headers}


def to_oauthlib(exc: OAuthError) -> oauthlib_errors.OAuth2Error:
    """An oauthlib error with the same ``error``, status, description and headers."""
    return BridgedError(exc)


@contextlib.contextmanager
def raised_to_oauthlib() -> Iterator[None]:
    """Inside oauthlib's endpoints, let our errors surface as oauthlib's."""
    try:
        yield
    except OAuthError as exc:
        raise to_oauthlib(exc) from exc


def from_oauthlib(exc: oauthlib_errors.OAuth2Error) -> OAuthError:
    """Our error class for an oauthlib error raised outside oauthlib's endpoints."""
    classes = {cls.error: cls for cls in OAuthError.__subclasses__()}
    error = classes.get(exc.error, OAuthError)(exc.description, headers=getattr(exc, "extra_headers", None))
    error.status_code = exc.status_code
    return error
