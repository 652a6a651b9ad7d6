"""Discovery documents at the site root, for an issuer identifier with a path.

RFC 8414 §3.1: the metadata of issuer ``https://host/o`` is at
``https://host/.well-known/oauth-authorization-server/o`` (the well-known segment
inserted before the issuer's path), where standard clients look for it. Include
this module at the root of the site, besides ``oauth_ext.urls`` under the issuer's
path (which keeps serving the documents at their appended addresses)::

    path("", include("oauth_ext.root_urls")),

The same insertion is served for ``openid-configuration`` (RFC 8414 §5 notes
clients that build it that way); OIDC Discovery's own address stays the appended
one. Any other path than the configured issuer's is a 404.
"""

from django.urls import re_path

from .core.views import IssuerPathMetadataView, IssuerPathOpenIDConfigurationView

urlpatterns = [
    re_path(r"^\.well-known/oauth-authorization-server(?P<issuer_path>/.+)$", IssuerPathMetadataView.as_view(),
            name="oauth_ext-server-metadata-for-path"),
    re_path(r"^\.well-known/openid-configuration(?P<issuer_path>/.+)$", IssuerPathOpenIDConfigurationView.as_view(),
            name="oauth_ext-openid-configuration-for-path"),
]
