"""The tokens feature: JWT access tokens and the token endpoint."""

from ..features import Feature

FEATURE = Feature(
    name="tokens",
    spec="RFC 9068",
    urls="oauth_ext.tokens.urls.urlpatterns",
    metadata="oauth_ext.tokens.metadata.metadata",
    hooks="oauth_ext.tokens.hooks.TokenStorageHooks",
)
