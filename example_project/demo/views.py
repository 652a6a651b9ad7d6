"""The example site's own API, protected by DPoP-bound, PoP or bearer access tokens."""

from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_ext import openapi  # noqa: F401  (describes DPoPAuthentication)
from oauth_ext.contrib.rest_framework import DPoPAuthentication
from oauth_ext.resource_server.decorators import token_required


def describe(info) -> dict:
    return {
        "client_id": info.client_id,
        "sub": info.claims.get("sub"),
        "scope": sorted(info.scopes),
        "token_type": info.token_type,
    }


@extend_schema_view(get=extend_schema(operation_id="me", responses={200: inline_serializer("Me", {
    "client_id": serializers.CharField(), "sub": serializers.CharField(allow_null=True),
    "scope": serializers.ListField(child=serializers.CharField()), "token_type": serializers.CharField()})}))
class MeView(APIView):
    """DRF: ``GET /api/me/`` with scope ``read``."""

    authentication_classes = [DPoPAuthentication]
    permission_classes = [TokenHasScope]
    required_scopes = ["read"]

    def get(self, request):
        return Response(describe(request.auth))


@token_required(["read"])
def ping(request):
    """Plain Django: ``GET /api/ping/`` with scope ``read``."""
    return JsonResponse(describe(request.oauth_token))
