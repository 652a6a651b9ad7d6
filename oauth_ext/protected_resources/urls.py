"""Include at the root of the site (the well-known URI sits before the resource path):

    path("", include("oauth_ext.protected_resources.urls")),
"""

from django.urls import re_path

from .views import ProtectedResourceMetadataView

app_name = "oauth_ext_protected_resources"

urlpatterns = [
    re_path(r"^\.well-known/oauth-protected-resource(?P<path>/.*)$", ProtectedResourceMetadataView.as_view(),
            name="metadata"),
]
