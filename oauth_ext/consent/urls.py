"""A user's consents, and withdrawing one. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import consent_withdraw, consents

urlpatterns = [
    path("consents/", consents, name="consents"),
    path("consents/<int:pk>/withdraw", consent_withdraw, name="consent-withdraw"),
]
