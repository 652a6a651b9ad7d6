"""The token endpoint: DOT's view, which also answers token exchange.

DOT's view looks every issued ``access_token`` up in its table to send
``app_authorized``; a Txn-Token is not an access token and is never stored, so
its response goes out as the grant made it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.views import TokenView as DOTTokenView

from ..transaction_tokens.services import GRANT_TYPE as TOKEN_EXCHANGE


class TokenView(DOTTokenView):
    @method_decorator(sensitive_post_parameters("client_secret", "client_assertion", "subject_token"))
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("grant_type") != TOKEN_EXCHANGE:
            return super().post(request, *args, **kwargs)
        _, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status, content_type="application/json")
        for name, value in headers.items():
            response[name] = value
        return response
