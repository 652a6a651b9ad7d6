"""The registration endpoint (RFC 7591 §3) and the client configuration endpoint
(RFC 7592 §2), as DRF views that install their own policies and error rendering."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse

from ..conf import app_settings
from ..core import untrusted_json
from ..core.api import OAuthAPIView
from ..core.errors import OAuthError
from ..core.handlers import error_response
from ..core.issuer import endpoint_url
from ..core.throttling import OpenRegistrationThrottle, RegistrationThrottle
from . import services
from .errors import InvalidClientMetadata, RequestTooLarge


def _bearer(request) -> str | None:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _json_body(request) -> dict[str, Any]:
    """The client metadata object of the request (RFC 7591 §3.1: a JSON object)."""
    limit = app_settings.REGISTRATION.MAX_BODY_BYTES
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit or len(request.body) > limit:
        raise RequestTooLarge()
    try:
        data = untrusted_json.loads(request.body)
    except ValueError as exc:
        raise InvalidClientMetadata("the request body must be JSON", reason=str(exc)) from exc
    if not isinstance(data, dict):
        raise InvalidClientMetadata("the request body must be a JSON object")
    return data


def _response(registration: services.Registration, status: int) -> JsonResponse:
    body = {
        **(registration.statement_claims or {}),
        **registration.metadata.as_response(),
        "client_id": registration.client_id,
        "client_id_issued_at": registration.issued_at,
    }
    if registration.instance is not None:  # stateless instances have nothing to manage (RFC 7592)
        body["registration_client_uri"] = endpoint_url("oauth_ext:registration-management", registration.client_id)
    if registration.software_statement:
        body["software_statement"] = registration.software_statement  # echoed unchanged (RFC 7591 §3.2.1)
    if registration.client_secret:
        body["client_secret"], body["client_secret_expires_at"] = registration.client_secret, 0
    if registration.registration_access_token:
        body["registration_access_token"] = registration.registration_access_token
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class _OAuthAPIView(OAuthAPIView):
    throttle_classes = [RegistrationThrottle]

    def handle_exception(self, exc):
        if isinstance(exc, OAuthError):
            if exc.status_code == 401:
                exc.headers.setdefault("WWW-Authenticate", f'Bearer error="{exc.error}"')
        elif isinstance(exc, ValidationError):
            return error_response(InvalidClientMetadata("; ".join(exc.messages)))
        return super().handle_exception(exc)


class RegistrationView(_OAuthAPIView):
    def post(self, request):
        data = _json_body(request)
        token = _bearer(request)
        if services.is_open_public(data, token):
            throttle = OpenRegistrationThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())
        return _response(services.register(data, initial_access_token=token), 201)


class RegistrationManagementView(_OAuthAPIView):
    def get(self, request, client_id: str):
        instance = services.authorize_management(client_id, _bearer(request))
        return _response(services.current(instance), 200)

    def put(self, request, client_id: str):
        instance = services.authorize_management(client_id, _bearer(request))
        return _response(services.replace(instance, _json_body(request)), 200)

    def delete(self, request, client_id: str):
        services.delete(services.authorize_management(client_id, _bearer(request)))
        return HttpResponse(status=204)
