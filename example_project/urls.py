from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from example_project.demo.views import MeView, internal_orders, payments, ping

urlpatterns = [
    path("admin/", admin.site.urls),
    # The sign-in page for the people who approve apps (LOGIN_URL); staff keep the admin's.
    path("accounts/login/", LoginView.as_view(template_name="oauth_ext/login.html"), name="login"),
    # oauth_ext first: its discovery and introspection views take the place of DOT's.
    path("o/", include("oauth_ext.urls")),
    path("o/", include("oauth2_provider.urls")),
    # RFC 8414 §3.1: the metadata of the issuer http://host/o at /.well-known/oauth-authorization-server/o.
    path("", include("oauth_ext.root_urls")),
    path("", include("oauth_ext.protected_resources.urls")),
    path("api/me/", MeView.as_view(), name="api-me"),
    path("api/ping/", ping, name="api-ping"),
    path("api/internal/orders/", internal_orders, name="api-internal-orders"),
    path("api/payments/", payments, name="api-payments"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
