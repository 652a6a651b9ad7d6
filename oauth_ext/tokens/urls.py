"""The token endpoint. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import TokenView

urlpatterns = [path("token/", TokenView.as_view(), name="token")]
