"""Self-service over a signed-in user's own rows (consents, devices): a list, and
one action on one row, as JSON for apps and as HTML pages for people. Session authentication only, so that a token a
client holds can never list or undo what its user granted; a row of another user
is "Not found", never "forbidden", so its existence does not leak."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class OwnRowsView(APIView):  # type: ignore[misc]  # untyped third-party base
    """Subclasses say which rows are the user's and how one is shown."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    def owned(self, request: Request) -> models.QuerySet[Any]:
        raise NotImplementedError

    def describe(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError


class OwnRowsListView(OwnRowsView):
    ordering: str

    def get(self, request: Request) -> Response:
        return Response([self.describe(row) for row in self.owned(request).order_by(self.ordering)])


class OwnRowActionView(OwnRowsView):
    def act(self, row: Any, user: Any) -> Any:
        """Do the action (through the feature's service) and return the row."""
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        row = self.owned(request).filter(pk=pk).first()
        if row is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(self.describe(self.act(row, request.user)))


class OwnRowsPage(LoginRequiredMixin, View):
    """The same rows as an HTML page for people: an anonymous visitor is sent to
    sign in (``LOGIN_URL``), every change goes through a confirmation page."""

    template_name: str
    ordering: str

    def owned(self, request: HttpRequest) -> models.QuerySet[Any]:
        raise NotImplementedError

    def present(self, row: Any) -> Any:
        """The row as the template shows it."""
        return row

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = [self.present(row) for row in self.owned(request).order_by(self.ordering)]
        return TemplateResponse(request, self.template_name, {"rows": rows})


@method_decorator(csrf_protect, name="dispatch")
class OwnRowConfirmPage(LoginRequiredMixin, View):
    """GET: what the action will do and a form; POST (with the CSRF token): do it,
    say what was done, back to the list. Another user's row is "Not found"."""

    template_name: str
    list_url: str | Promise

    def owned(self, request: HttpRequest) -> models.QuerySet[Any]:
        raise NotImplementedError

    def act(self, row: Any, user: Any) -> tuple[bool, str]:
        """Do the action; ``(changed, message for the user)``."""
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {"row": get_object_or_404(self.owned(request), pk=pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        changed, text = self.act(get_object_or_404(self.owned(request), pk=pk), request.user)
        messages.add_message(request, messages.SUCCESS if changed else messages.INFO, text)
        return redirect(str(self.list_url))


def negotiated(api_view: Callable[..., HttpResponseBase], page_view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """One address for apps and people: JSON unless the client prefers HTML (a
    browser's ``Accept``); a request without ``Accept`` gets JSON, as before."""

    @csrf_exempt  # the page checks CSRF itself (csrf_protect), the API through DRF's session authentication
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        wants_html = request.get_preferred_type(["application/json", "text/html"]) == "text/html"
        response = (page_view if wants_html else api_view)(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return view


@method_decorator(csrf_protect, name="dispatch")
class SignOutView(View):
    """Sign out (POST), then the sign-in page: "not you?" on the consent page sends
    the address to come back to in ``next``, so the right person signs in and
    continues where the other left off."""

    def post(self, request: HttpRequest) -> HttpResponse:
        back = request.POST.get("next", "")
        logout(request)
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            return redirect_to_login(back)
        return redirect(resolve_url(settings.LOGIN_URL))
