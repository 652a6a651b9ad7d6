"""The native authorization endpoint and the API of the User-Interacting App
(draft-zehavi-oauth-app2app-browserless-07 §3.3–§3.6).

``NativeAuthorizationView`` answers the client app with JSON only (§3.3): a
``deep_link`` to this server's User-Interacting App, a ``call`` of the client's
redirect_uri carrying an OAuth error (§3.5.4), or a 4xx error body. ``NativeAppView``
is the authorization view (consent included) as that app uses it, on the user's
session: JSON instead of pages, and instead of a redirect the deep link that invokes
the client app's ``native_callback_uri`` with the response as ``redirect_uri`` (§3.6).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from rest_framework.views import APIView

from ..conf import app_settings
from ..core.errors import InvalidRequest, OAuthError
from ..core.handlers import error_response
from ..core.throttling import NativeAuthorizationThrottle
from ..par import services as par
from ..par.views import AuthorizationView
from . import services


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _enabled() -> None:
    if not app_settings.APP2APP.ENABLED:
        raise Http404


class NativeAuthorizationView(APIView):
    """``native_authorization_endpoint``: GET (or POST) a native authorization request."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [NativeAuthorizationThrottle]
    http_method_names = ["get", "post"]

    def initial(self, request, *args, **kwargs):
        _enabled()
        super().initial(request, *args, **kwargs)

    def get(self, request):
        return self.answer(request._request, request._request.GET)

    def post(self, request):
        return self.answer(request._request, request._request.POST)

    def answer(self, request, params) -> JsonResponse:
        result = services.start(params, build_absolute_uri=request.build_absolute_uri)
        if isinstance(result, services.ClientError):
            return _json({"action": "call", "url": result.url})  # §3.5.4
        return _json({"action": "deep_link", "url": result})  # §3.5.2

    def handle_exception(self, exc):
        if isinstance(exc, OAuthError):
            return error_response(exc)
        return super().handle_exception(exc)


class NativeAppView(AuthorizationView):
    """The authorization view for the User-Interacting App: ``client_id`` and the
    ``request_uri`` of its deep link, the signed-in user's session, ``allow`` to approve."""

    native_request = None

    def dispatch(self, request, *args, **kwargs):
        _enabled()
        try:
            found = par.pushed(request.GET.get("client_id"), request.GET.get("request_uri") or "")
        except OAuthError as exc:
            return error_response(exc)
        if "native_callback_uri" not in found.parameters:
            return error_response(InvalidRequest("request_uri is not a native authorization request"))
        self.native_request = found
        response = super().dispatch(request, *args, **kwargs)
        if getattr(self, "oauth_ext_native_done", False):
            par.consume(found)  # single use, as a pushed request (RFC 9126 §4)
        return response

    def handle_no_permission(self):
        return _json({"error": "login_required", "error_description": "Sign the user in first."}, status=401)

    def redirect(self, redirect_to, application):
        """Where DOT would redirect the browser, the app invokes the client app's deep link."""
        self.oauth_ext_native_done = True
        return _json({"action": "deep_link", "url": services.native_callback(self.native_request, redirect_to)})

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if isinstance(response, JsonResponse):
            return response
        error = context.get("error")
        if error is not None:  # DOT's error page: nothing may go to the client
            return _json({"error": getattr(error, "error", "invalid_request"),
                          "error_description": getattr(error, "description", "")}, status=kwargs.get("status", 400))
        application = context.get("application")
        return _json({
            "action": "consent",
            "client_name": getattr(application, "name", ""),
            "scopes": context.get("scopes_descriptions", []),
            "new_scopes": context.get("consent_new_scopes", []),
            "resources": [r["name"] for r in context.get("consent_new_resources", [])],
            "csrf_token": get_token(self.request),  # POST back allow=Authorize with X-CSRFToken
        })
