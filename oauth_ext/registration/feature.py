"""The registration feature: Dynamic client registration and management."""

from ..features import Feature

FEATURE = Feature(
    name="registration",
    spec="RFC 7591, RFC 7592",
    switch="REGISTRATION",
    urls="oauth_ext.registration.urls.urlpatterns",
    metadata="oauth_ext.registration.discovery.metadata",
)
