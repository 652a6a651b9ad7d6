"""The client_auth feature: Client authentication methods and introspection."""

from ..features import Feature

FEATURE = Feature(
    name="client_auth",
    spec="RFC 7523, RFC 7662",
    urls="oauth_ext.client_auth.urls.urlpatterns",
    metadata="oauth_ext.client_auth.metadata.metadata",
    hooks="oauth_ext.client_auth.hooks.ClientAuthHooks",
)
