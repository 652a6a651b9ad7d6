"""``GET /.well-known/oauth-protected-resource/<path>`` (RFC 9728 §3)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from oauth2_provider.compat import login_not_required

from . import metadata


@method_decorator(login_not_required, name="dispatch")
class ProtectedResourceMetadataView(View):
    def get(self, request, path: str):
        body = metadata.document(request, path)
        if body is None:
            return JsonResponse({"error": "not_found", "error_description": "no such protected resource"}, status=404)
        response = JsonResponse(body)
        response["Cache-Control"] = "public, max-age=3600"
        return response
