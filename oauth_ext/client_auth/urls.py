"""Introspection, with our client authentication. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import IntrospectTokenView

urlpatterns = [path("introspect/", IntrospectTokenView.as_view(), name="introspect")]
