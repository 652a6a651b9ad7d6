from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # oauth_ext first: its discovery and introspection views take the place of DOT's.
    path("o/", include("oauth_ext.urls")),
    path("o/", include("oauth2_provider.urls")),
]
