"""The consent step of DOT's authorization view: skip the prompt when an active
consent covers the request, show only what is missing, record what the user allows.

Mixed into ``par.views.AuthorizationView`` in front of DOT's view; it uses only the
view's own methods (``validate_authorization_request``, ``render_to_response``,
``create_authorization_response``), so DOT's validation, PKCE and redirects stay DOT's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.scopes import get_scopes_backend

from ..client_instances.services import instance_of
from ..conf import app_settings
from ..rar import services as rar
from ..rar.errors import InvalidAuthorizationDetails
from . import policies, resources, services

if TYPE_CHECKING:  # mixed into DOT's AuthorizationView (untyped)
    from oauth2_provider.views import AuthorizationView as _ViewBase
else:
    _ViewBase = object


def _details(request: Any) -> list[dict[str, Any]]:
    try:
        return rar.parse(request.GET.get("authorization_details"))
    except InvalidAuthorizationDetails:
        return []  # oauthlib's validation refuses the request with this error


def requested(request: Any, scopes: list[str] | str, resource: list[str] | None = None) -> services.Requested:
    scopes = scopes.split() if isinstance(scopes, str) else list(scopes)
    return services.Requested(scopes, list(resource if resource is not None else request.GET.getlist("resource")),
                              _details(request))


def describe(grant: services.ConsentGrant | None, asked: services.Requested, missing: services.Requested) -> dict[str, Any]:
    """Plain words for each service and scope, new ones apart from those already granted."""
    all_scopes = get_scopes_backend().get_all_scopes()
    return {
        "consent": grant,
        "consent_new_scopes": [all_scopes.get(s, s) for s in missing.scopes],
        "consent_granted_scopes": [all_scopes.get(s, s) for s in asked.scopes if s not in missing.scopes],
        "consent_new_resources": [{"uri": r, "name": resources.name(r)} for r in missing.resources],
        "consent_granted_resources": [{"uri": r, "name": resources.name(r)} for r in asked.resources
                                      if r not in missing.resources],
        "consent_new_details": [rar.describe(d) for d in missing.authorization_details],
        "consent_expires_in_days": (app_settings.CONSENT.LIFETIME or 0) // 86_400 or None,
    }


def who(user: Any, application: Any, grant: services.ConsentGrant | None) -> dict[str, Any]:
    """Who is signed in, which software its publisher vouches for, which device asks;
    ``consent_new_device``: the software is allowed already, on another device."""
    instance = instance_of(application)
    return {
        "consent_user": user,
        "consent_instance": instance,
        "consent_publisher": instance.publisher if instance is not None else None,
        "consent_new_device": grant is not None and instance is not None and instance.user_id != user.pk
                              and grant.application_id != application.pk,
    }


class ConsentAuthorizationMixin(_ViewBase):
    template_name = "oauth_ext/consent.html"

    def validate_authorization_request(self, request: Any) -> tuple[list[str], dict[str, Any]]:
        scopes, credentials = super().validate_authorization_request(request)
        self.oauth_ext_validated = (scopes, credentials)  # DOT adds the resources to credentials in place
        return scopes, credentials

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> Any:
        validated = getattr(self, "oauth_ext_validated", None)
        if not (app_settings.CONSENT.ENABLED and self.request.method == "GET" and validated and "form" in context):
            return super().render_to_response(context, **kwargs)
        scopes, credentials = validated
        application = context["application"]
        asked = requested(self.request, scopes)
        user = self.request.user
        grant = services.active_grant(user, application)
        missing = services.missing(grant, asked)
        shared = grant is not None and policies.load(app_settings.CONSENT.REUSE_POLICY).shares(
            grant=grant, application=application, user=user, redirect_uri=credentials.get("redirect_uri") or "")
        if shared and not missing and "consent" not in self.request.GET.get("prompt", "").split():
            try:
                uri, _headers, _body, _status = self.create_authorization_response(
                    request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=True)
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            self.oauth_ext_completed = True  # a pushed request is used up (RFC 9126 §4)
            return self.redirect(uri, application)
        context.update(describe(grant, asked, missing))
        context.update(who(user, application, grant))
        return super().render_to_response(context, **kwargs)

    def create_authorization_response(self, request: Any, scopes: str, credentials: dict[str, Any], allow: bool) -> Any:
        if not (allow and request.method == "POST" and app_settings.CONSENT.ENABLED):
            return super().create_authorization_response(request, scopes, credentials, allow)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        with transaction.atomic():
            # Recorded first so the code links to it; a request oauthlib then refuses
            # rolls the consent back with it.
            services.record(request.user, application, requested(request, scopes, credentials.get("resource") or []))
            return super().create_authorization_response(request, scopes, credentials, allow)
