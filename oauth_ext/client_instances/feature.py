"""The client_instances feature: One client_id and key per installation."""

from ..features import Feature

FEATURE = Feature(
    name="client_instances",
    spec="RFC 7591",
    urls="oauth_ext.client_instances.urls.urlpatterns",
    hooks="oauth_ext.client_instances.hooks.ClientInstanceHooks",
)
