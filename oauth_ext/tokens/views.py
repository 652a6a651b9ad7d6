"""The token endpoint: DOT's view, which also answers token exchange.

DOT's view looks every issued ``access_token`` up in its table to send
``app_authorized``. This view sends the same signal with the row it has just
saved (collected from ``post_save`` during the request) instead of reading it
back; a Txn-Token is not an access token and is never stored, so its response
goes out as the grant made it.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_access_token_model
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import TokenView as DOTTokenView

from ..transaction_tokens.services import GRANT_TYPE as TOKEN_EXCHANGE

_saved: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("oauth_ext_saved_tokens", default=None)


def remember_issued(instance: Any) -> None:
    """The access token this request issued, for ``app_authorized``: a saved row, or
    the unsaved one of a stateless token (``stateless_tokens``)."""
    saved = _saved.get()
    if saved is not None:
        saved[instance.token_checksum] = instance


@receiver(post_save, sender=get_access_token_model(), dispatch_uid="oauth_ext.tokens.saved")
def _access_token_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    remember_issued(instance)


class TokenView(DOTTokenView):
    @method_decorator(sensitive_post_parameters("client_secret", "client_assertion", "subject_token"))
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("grant_type") != TOKEN_EXCHANGE:
            return super().post(request, *args, **kwargs)
        _, headers, body, status = self.create_token_response(request)
        return _response(body, status, headers, content_type="application/json")

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reset = _saved.set({})
        try:
            _, headers, body, status = self.create_token_response(request)
            saved = _saved.get() or {}
        finally:
            _saved.reset(reset)
        access_token = json.loads(body).get("access_token") if status == 200 else None
        if access_token is not None:
            checksum = hashlib.sha256(access_token.encode("utf-8")).hexdigest()
            token = saved.get(checksum) or get_access_token_model().objects.get(token_checksum=checksum)
            app_authorized.send(sender=self, request=request, token=token)
        return _response(body, status, headers)


def _response(body: str, status: int, headers: dict[str, str], **kwargs: Any) -> HttpResponse:
    response = HttpResponse(content=body, status=status, **kwargs)
    for name, value in headers.items():
        response[name] = value
    return response
