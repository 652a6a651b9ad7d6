"""The status lists and their aggregation. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import StatusListAggregationView, StatusListView

urlpatterns = [
    path("statuslists/", StatusListAggregationView.as_view(), name="status-list-aggregation"),
    path("statuslists/<int:pk>", StatusListView.as_view(), name="status-list"),
]
