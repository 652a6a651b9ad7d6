"""The example project's URLs plus a view that fails, for the logging test."""

from django.urls import path

from example_project.urls import urlpatterns as example_urlpatterns


def fail(request):
    raise RuntimeError("unhandled failure for the logging test")


urlpatterns = [*example_urlpatterns, path("fail/", fail)]
