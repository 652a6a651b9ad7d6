"""The base of our DRF endpoints: no DRF authentication or permissions (each
endpoint authenticates as its spec says), and every :class:`OAuthError` raised on
the way (a throttle's, a view's) rendered as its spec's error body, whatever
``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` the site has."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.views import APIView

from .errors import OAuthError
from .handlers import error_response


class OAuthAPIView(APIView):  # type: ignore[misc]  # untyped third-party base
    authentication_classes: list[type[Any]] = []
    permission_classes: list[type[Any]] = []

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, OAuthError):
            return error_response(exc)
        response: HttpResponse = super().handle_exception(exc)
        return response
