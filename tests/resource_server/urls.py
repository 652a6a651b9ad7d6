"""The example project's URLs plus a view that demands a recent, strong user authentication."""

from django.http import JsonResponse
from django.urls import path

from example_project.urls import urlpatterns as example_urlpatterns
from oauth_ext.resource_server.challenges import require_user_authentication
from oauth_ext.resource_server.decorators import token_required


@token_required()
def strong_view(request):
    require_user_authentication(request.oauth_token, acr_values=["myACR"], max_age=5)
    return JsonResponse({"acr": request.oauth_token.claims["acr"]})


urlpatterns = [*example_urlpatterns, path("api/strong/", strong_view)]
