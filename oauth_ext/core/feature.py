"""The core feature: Discovery, JWKS, the authorization endpoint and self-service sign-out."""

from ..features import Feature

FEATURE = Feature(
    name="core",
    spec="RFC 6749, RFC 8414",
    urls="oauth_ext.core.urls.urlpatterns",
    metadata="oauth_ext.core.metadata.site_metadata",
)
