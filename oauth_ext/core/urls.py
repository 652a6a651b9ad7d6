"""Always routed: discovery, the authorization and token endpoints' neighbours, JWKS, sign-out. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path, re_path

from ..par.views import AuthorizationView
from .self_service import SignOutView
from .views import AuthorizationServerMetadataView, JWKSView, OpenIDConfigurationView

urlpatterns = [
    path(".well-known/oauth-authorization-server", AuthorizationServerMetadataView.as_view(), name="oauth-server-metadata"),
    re_path(r"^\.well-known/openid-configuration/?$", OpenIDConfigurationView.as_view(), name="openid-configuration"),
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("jwks/", JWKSView.as_view(), name="jwks"),
    path("account/sign-out/", SignOutView.as_view(), name="sign-out"),
]
