"""The PAR endpoint (RFC 9126 §2) and DOT's authorization view reading pushed requests (§4)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, QueryDict
from oauth2_provider.views import AuthorizationView as DOTAuthorizationView
from rest_framework.views import APIView

from ..bcp.issuer import with_iss
from ..clients.services import get_profile, load_client
from ..conf import app_settings
from ..consent.authorization import ConsentAuthorizationMixin
from ..core.errors import InvalidRequest, OAuthError
from ..core.handlers import error_response
from ..core.throttling import PARThrottle
from . import services


class PushedAuthorizationRequestView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [PARThrottle]

    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > app_settings.PAR.MAX_BODY_BYTES:
            return JsonResponse({"error": "invalid_request", "error_description": "request too large"}, status=413)
        request_uri, expires_in = services.push(request._request)
        response = JsonResponse({"request_uri": request_uri, "expires_in": expires_in}, status=201)
        response["Cache-Control"] = "no-cache, no-store"
        return response

    def handle_exception(self, exc):
        if isinstance(exc, OAuthError):
            return error_response(exc)
        return super().handle_exception(exc)


def par_required(client_id: str | None) -> bool:
    if app_settings.PAR.REQUIRED:
        return True
    client = load_client(client_id) if client_id else None
    profile = get_profile(client) if client is not None else None
    return bool(profile and profile.require_pushed_authorization_requests)


class AuthorizationView(ConsentAuthorizationMixin, DOTAuthorizationView):
    """DOT's authorization view with the consent step; with ``request_uri`` the
    pushed parameters are the request, whatever else the query says."""

    def redirect(self, redirect_to, application):
        # Every authorization response, success or error, goes back through here (RFC 9207).
        return super().redirect(with_iss(redirect_to), application)

    def dispatch(self, request, *args, **kwargs):
        client_id = request.GET.get("client_id")
        request_uri = request.GET.get("request_uri")
        if request_uri is None and client_id == services.dynamic.DYNAMIC_CLIENT_ID:
            return error_response(InvalidRequest("a dynamic client starts with a pushed authorization request"))
        if request_uri is None:
            if par_required(client_id):
                return error_response(InvalidRequest("this client must push its authorization requests"))
            return super().dispatch(request, *args, **kwargs)
        try:
            pushed = services.pushed(client_id, request_uri)
        except OAuthError as exc:
            return error_response(exc)
        query = QueryDict(mutable=True)
        for name, value in pushed.parameters["query"]:
            query.appendlist(name, value)
        query["request_uri"] = request_uri
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()
        if request.method == "POST":
            # The consent form only says allow or deny; the request itself is the pushed one.
            posted = request.POST.copy()
            for name in ("client_id", "redirect_uri", "response_type", "state", "code_challenge",
                         "code_challenge_method", "nonce", "claims", "scope"):
                if name in query:
                    posted[name] = query[name]
            if "resource" in query:
                posted["resource"] = " ".join(query.getlist("resource"))
            request.POST = posted
        response = super().dispatch(request, *args, **kwargs)
        completed = request.method == "POST" or getattr(self, "oauth_ext_completed", False)
        if completed and isinstance(response, HttpResponse) and response.status_code in (301, 302):
            services.consume(pushed)
        return response
