"""The example's URLs plus a plain Django sign-in page, for a user who is not staff
(the admin's sign-in admits staff only)."""

from django.contrib.auth.views import LoginView
from django.urls import path

from example_project.urls import urlpatterns as example

urlpatterns = [path("accounts/login/", LoginView.as_view(template_name="admin/login.html"), name="login"), *example]
