"""Serving Status List Tokens (draft §8) and the aggregation of their URIs (§9)."""

from __future__ import annotations

import time

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from oauth2_provider.compat import login_not_required

from ..conf import app_settings
from . import services
from .models import StatusList

MEDIA_TYPE = "application/statuslist+jwt"


@method_decorator(login_not_required, name="dispatch")
class StatusListView(View):
    def get(self, request, pk: int):
        if "time" in request.GET:
            # §8.4: historical resolution is optional; "SHOULD return 501".
            return JsonResponse({"error": "historical resolution is not supported"}, status=501)
        status_list = services.served(pk)
        if status_list is None or status_list.expires_at is None:  # a served list is built
            raise Http404
        etag = f'"{status_list.etag}"'
        max_age = max(0, min(app_settings.STATUS_LIST.TTL, int(status_list.expires_at.timestamp() - time.time())))
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(status_list.token, content_type=MEDIA_TYPE)
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={max_age}"
        response["Access-Control-Allow-Origin"] = "*"  # §8.1: CORS SHOULD be supported
        return response


@method_decorator(login_not_required, name="dispatch")
class StatusListAggregationView(View):
    def get(self, request):
        uris = [services.list_uri(pk) for pk in StatusList.objects.order_by("pk").values_list("pk", flat=True)]
        response = JsonResponse({"status_lists": uris})
        response["Access-Control-Allow-Origin"] = "*"
        return response
