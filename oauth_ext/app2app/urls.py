"""The native authorization endpoint and the app's page. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import NativeAppView, NativeAuthorizationView

urlpatterns = [
    path("authorize/native/", NativeAuthorizationView.as_view(), name="native-authorize"),
    path("authorize/native/app/", NativeAppView.as_view(), name="native-app"),
]
