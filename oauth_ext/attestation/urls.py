"""The challenge endpoint (-11 §8). Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import ChallengeView

urlpatterns = [path("challenge/", ChallengeView.as_view(), name="attestation-challenge")]
