"""The base of our DRF endpoints: no DRF authentication or permissions (each
endpoint authenticates as its spec says), and every :class:`OAuthError` raised on
the way (a throttle's, a view's) rendered as its spec's error body, whatever
``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` the site has."""

from __future__ import annotations

from rest_framework.views import APIView

from .errors import OAuthError
from .handlers import error_response


class OAuthAPIView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def handle_exception(self, exc):
        if isinstance(exc, OAuthError):
            return error_response(exc)
        return super().handle_exception(exc)
