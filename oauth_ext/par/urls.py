"""The pushed authorization request endpoint. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import PushedAuthorizationRequestView

urlpatterns = [path("par/", PushedAuthorizationRequestView.as_view(), name="par")]
