"""Registration and its management endpoint. Included by ``oauth_ext.urls`` while the feature is on."""

from django.urls import path

from .views import RegistrationManagementView, RegistrationView

urlpatterns = [
    path("registration/", RegistrationView.as_view(), name="registration"),
    path("registration/<str:client_id>", RegistrationManagementView.as_view(), name="registration-management"),
]
