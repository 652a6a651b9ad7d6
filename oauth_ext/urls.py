"""Our endpoints. Include them *before* DOT's, under the same prefix:

    path("o/", include("oauth_ext.urls")),
    path("o/", include("oauth2_provider.urls")),

so that the discovery documents and introspection served here take the place of
DOT's at the same paths (system check ``oauth_ext.W002`` verifies the order).
"""

from django.urls import path, re_path

from .app2app.views import NativeAppView, NativeAuthorizationView
from .attestation.views import ChallengeView
from .client_auth.views import IntrospectTokenView
from .client_instances.views import device_revoke, devices
from .consent.views import consent_withdraw, consents
from .core.self_service import SignOutView
from .core.views import (
    AuthorizationServerMetadataView,
    JWKSView,
    OpenIDConfigurationView,
)
from .par.views import AuthorizationView, PushedAuthorizationRequestView
from .registration.views import RegistrationManagementView, RegistrationView
from .status_list.views import StatusListAggregationView, StatusListView
from .tokens.views import TokenView

app_name = "oauth_ext"

urlpatterns = [
    path(".well-known/oauth-authorization-server", AuthorizationServerMetadataView.as_view(), name="oauth-server-metadata"),
    re_path(r"^\.well-known/openid-configuration/?$", OpenIDConfigurationView.as_view(), name="openid-configuration"),
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("authorize/native/", NativeAuthorizationView.as_view(), name="native-authorize"),
    path("authorize/native/app/", NativeAppView.as_view(), name="native-app"),
    path("par/", PushedAuthorizationRequestView.as_view(), name="par"),
    path("token/", TokenView.as_view(), name="token"),
    path("challenge/", ChallengeView.as_view(), name="attestation-challenge"),
    path("introspect/", IntrospectTokenView.as_view(), name="introspect"),
    path("jwks/", JWKSView.as_view(), name="jwks"),
    path("registration/", RegistrationView.as_view(), name="registration"),
    path("registration/<str:client_id>", RegistrationManagementView.as_view(), name="registration-management"),
    path("devices/", devices, name="devices"),
    path("devices/<int:pk>/revoke", device_revoke, name="device-revoke"),
    path("consents/", consents, name="consents"),
    path("consents/<int:pk>/withdraw", consent_withdraw, name="consent-withdraw"),
    path("account/sign-out/", SignOutView.as_view(), name="sign-out"),
    path("statuslists/", StatusListAggregationView.as_view(), name="status-list-aggregation"),
    path("statuslists/<int:pk>", StatusListView.as_view(), name="status-list"),
]
