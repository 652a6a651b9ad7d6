"""Discovery documents and the JWKS of the authorization server's keys."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from oauth2_provider.compat import login_not_required
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import (
    ConnectDiscoveryInfoView,
    JwksInfoView,
    OAuthServerMetadataView,
)

from ..conf import app_settings
from . import metadata
from .keys import public_jwks

if TYPE_CHECKING:  # the mixins below extend DOT's (untyped) metadata views
    from oauth2_provider.views import OAuthServerMetadataView as _MetadataViewBase
else:
    _MetadataViewBase = object


class _ExtendedDocument(_MetadataViewBase):  # type: ignore[misc]  # untyped third-party base
    """Run DOT's view, then merge every feature's metadata over its JSON."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        extended = JsonResponse(metadata.extend(json.loads(response.content), request))
        for header in ("Access-Control-Allow-Origin", "Cache-Control"):
            if header in response:
                extended[header] = response[header]
        return extended


class AuthorizationServerMetadataView(_ExtendedDocument, OAuthServerMetadataView):  # type: ignore[misc]  # untyped third-party base
    """RFC 8414 ``/.well-known/oauth-authorization-server``."""


class OpenIDConfigurationView(_ExtendedDocument, ConnectDiscoveryInfoView):  # type: ignore[misc]  # untyped third-party base
    """OIDC Discovery ``/.well-known/openid-configuration`` (when DOT's OIDC is on)."""


class _ForIssuerPath(_MetadataViewBase):  # type: ignore[misc]  # untyped third-party base
    """Served at ``/.well-known/<document><issuer path>`` (RFC 8414 §3.1) for the
    configured issuer's path only."""

    def get(self, request: HttpRequest, *args: Any, issuer_path: str = "", **kwargs: Any) -> HttpResponse:
        issuer = app_settings.issuer or ""
        expected = urlsplit(issuer).path.rstrip("/")
        if not expected or issuer_path.rstrip("/") != expected:
            raise Http404("not this server's issuer")
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response


class IssuerPathMetadataView(_ForIssuerPath, AuthorizationServerMetadataView):
    """RFC 8414 metadata at the address §3.1 derives from an issuer with a path."""


class IssuerPathOpenIDConfigurationView(_ForIssuerPath, OpenIDConfigurationView):
    """OIDC discovery at the RFC 8414 §3.1 form of its address (when DOT's OIDC is on)."""


@method_decorator(login_not_required, name="dispatch")
class JWKSView(View):
    """Public keys verifying our JWT access tokens, plus DOT's OIDC keys when on."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        keys = list(public_jwks()["keys"])
        if oauth2_settings.OIDC_ENABLED and oauth2_settings.OIDC_RSA_PRIVATE_KEY:
            keys += json.loads(JwksInfoView.as_view()(request).content)["keys"]
        response = JsonResponse({"keys": keys})
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=300"
        return response
